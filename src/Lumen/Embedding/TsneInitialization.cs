namespace Lumen.Embedding;

/// <summary>Where t-SNE starts.</summary>
public enum TsneInitializationKind
{
    /// <summary>The first two principal components, rescaled so the first has standard deviation 10⁻⁴ (default).</summary>
    Pca,

    /// <summary>Gaussian with standard deviation 10⁻⁴.</summary>
    Random,
}

/// <summary>Builds starting coordinates [N, 2] (row-major doubles).</summary>
public static class TsneInitialization
{
    /// <summary>Standard deviation of the first coordinate after rescaling (openTSNE and scikit-learn: 10⁻⁴).</summary>
    public const double TargetStd = 1e-4;

    /// <summary>PCA initialisation: project on the first two components, rescale so std(column 0) = 10⁻⁴.</summary>
    public static double[] Pca(FeatureMatrix data, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns < 2)
        {
            // One feature: the second coordinate is a tiny random one, the first the feature itself.
            var y1 = Random(data.Rows, seed);
            for (int i = 0; i < data.Rows; i++) y1[2 * i] = data.Data[i];
            return Rescale(y1);
        }

        var pca = PrincipalComponents.Fit(data, 2, PcaSolver.Auto, seed);
        var projected = pca.Transform(data);
        var y = new double[data.Rows * 2];
        for (int i = 0; i < y.Length; i++) y[i] = projected.Data[i];
        return Rescale(y);
    }

    /// <summary>Gaussian N(0, 10⁻⁸) coordinates from <paramref name="seed"/>.</summary>
    public static double[] Random(int points, int seed)
    {
        var random = new Random(seed);
        var y = new double[points * 2];
        for (int i = 0; i < y.Length; i++) y[i] = TargetStd * Gaussian(random);
        return y;
    }

    /// <summary>Centres <paramref name="y"/> and scales it so column 0 has standard deviation 10⁻⁴ (in place; returns it).</summary>
    public static double[] Rescale(double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        int n = y.Length / 2;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
        mx /= n; my /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (y[2 * i] - mx) * (y[2 * i] - mx);
        double std = Math.Sqrt(var / n);
        double scale = std > 0 ? TargetStd / std : 1;
        for (int i = 0; i < n; i++)
        {
            y[2 * i] = (y[2 * i] - mx) * scale;
            y[2 * i + 1] = (y[2 * i + 1] - my) * scale;
        }

        return y;
    }

    internal static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
