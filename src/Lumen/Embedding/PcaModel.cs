namespace Lumen.Embedding;

/// <summary>
/// A fitted PCA: the mean, the components (unit rows, by decreasing variance) and the variance each explains.
/// Signs are fixed by one documented rule: in every component the loading with the largest absolute value is positive.
/// </summary>
public sealed class PcaModel
{
    internal PcaModel(int features, float[] mean, double[] components, double[] variance, double totalVariance)
    {
        Features = features;
        Mean = mean;
        Components = components;
        ExplainedVariance = variance;
        TotalVariance = totalVariance;
    }

    /// <summary>Input dimension D.</summary>
    public int Features { get; }

    /// <summary>Number of components k.</summary>
    public int Count => ExplainedVariance.Length;

    /// <summary>The per-feature mean that is subtracted before projecting.</summary>
    public float[] Mean { get; }

    /// <summary>The components, row-major [k, D], each of unit length.</summary>
    public double[] Components { get; }

    /// <summary>Variance along each component (eigenvalues of the covariance with 1/(N − 1)).</summary>
    public double[] ExplainedVariance { get; }

    /// <summary>Total variance of the data (sum of the feature variances).</summary>
    public double TotalVariance { get; }

    /// <summary>Fraction of the total variance each component explains.</summary>
    public double[] ExplainedVarianceRatio => ExplainedVariance.Select(v => TotalVariance > 0 ? v / TotalVariance : 0).ToArray();

    /// <summary>Projects <paramref name="data"/> (same D) on the components: (x − mean)·Cᵀ, a new [N, k] matrix.</summary>
    /// <exception cref="LumenException">The data has a different number of features (kind InputData).</exception>
    public FeatureMatrix Transform(FeatureMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != Features)
        {
            throw LumenException.InputData($"The PCA was fitted on {Features} features but the data has {data.Columns}; project data of the same kind.");
        }

        int k = Count, d = Features;
        var comps = Components.Select(v => (float)v).ToArray();
        var result = new float[data.Rows * k];
        Parallelism.For(data.Rows, Environment.ProcessorCount, (start, end, _) =>
        {
            var centred = new float[d];
            for (int i = start; i < end; i++)
            {
                var row = data.Row(i);
                for (int f = 0; f < d; f++) centred[f] = row[f] - Mean[f];
                for (int c = 0; c < k; c++)
                {
                    result[i * k + c] = Dot(centred, comps.AsSpan(c * d, d));
                }
            }
        });
        return new FeatureMatrix(data.Rows, k, result);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(a);
        var vb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(b);
        var sum = System.Numerics.Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        float total = System.Numerics.Vector.Sum(sum);
        for (int i = va.Length * System.Numerics.Vector<float>.Count; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
