using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>Fits PCA with TorchSharp's linear algebra (exact eigendecomposition or randomized SVD).</summary>
public static class PrincipalComponents
{
    /// <summary>Power iterations of the randomized solver (scikit-learn uses 4–7; 5 keeps the error tiny for k ≪ D).</summary>
    public const int PowerIterations = 5;

    /// <summary>Extra random directions of the randomized solver.</summary>
    public const int Oversampling = 10;

    /// <summary>Fits <paramref name="components"/> principal components of <paramref name="data"/>.</summary>
    /// <exception cref="LumenException">Too many components or too few points (kind Usage).</exception>
    public static PcaModel Fit(FeatureMatrix data, int components, PcaSolver solver = PcaSolver.Auto, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Columns;
        if (n < 2) throw LumenException.Usage($"PCA needs at least 2 points, got {n}.");
        if (components < 1 || components > Math.Min(n, d))
        {
            throw LumenException.Usage($"Cannot take {components} principal components of {n} points with {d} features; use 1 to {Math.Min(n, d)}.");
        }

        if (solver == PcaSolver.Auto)
        {
            solver = d <= 4096 || n <= 4096 ? PcaSolver.Exact : PcaSolver.Randomized;
        }

        using var scope = NewDisposeScope();
        using var x = data.ToTensor();
        var mean = x.mean([0L], keepdim: true);
        var meanValues = mean.reshape(d).data<float>().ToArray();
        var (vectors, variances, total) = solver == PcaSolver.Exact
            ? Exact(x, mean, components)
            : Randomized(x, mean, components, seed);
        FixSigns(vectors, components, d);
        return new PcaModel(d, meanValues, vectors, variances, total);
    }

    private static (double[] Vectors, double[] Variances, double Total) Exact(Tensor x, Tensor mean, int k)
    {
        int n = (int)x.shape[0], d = (int)x.shape[1];
        var centred = (x - mean).to(ScalarType.Float64);
        double total = centred.pow(2).sum().item<double>() / (n - 1);
        Tensor vectors;
        Tensor values;
        if (d <= n)
        {
            var cov = centred.t().mm(centred) / (n - 1);
            var (eigenvalues, eigenvectors) = linalg.eigh(cov);
            values = eigenvalues.flip(0)[..k];
            vectors = eigenvectors.flip(1)[.., ..k].t();
        }
        else
        {
            // Few points, many features: eigenvectors of the Gram matrix, mapped back to feature space.
            var gram = centred.mm(centred.t()) / (n - 1);
            var (eigenvalues, eigenvectors) = linalg.eigh(gram);
            values = eigenvalues.flip(0)[..k];
            var u = eigenvectors.flip(1)[.., ..k];
            vectors = centred.t().mm(u);
            vectors = (vectors / linalg.vector_norm(vectors, dims: [0L], keepdim: true).clamp_min(1e-300)).t();
        }

        return (vectors.contiguous().data<double>().ToArray(), values.clamp_min(0).data<double>().ToArray(), total);
    }

    private static (double[] Vectors, double[] Variances, double Total) Randomized(Tensor x, Tensor mean, int k, int seed)
    {
        int n = (int)x.shape[0], d = (int)x.shape[1];
        int l = Math.Min(k + Oversampling, Math.Min(n, d));
        var centred = x - mean;
        double total = centred.to(ScalarType.Float64).pow(2).sum().item<double>() / (n - 1);
        var random = new Random(seed);
        var omegaValues = new float[d * l];
        for (int i = 0; i < omegaValues.Length; i++) omegaValues[i] = (float)TsneInitialization.Gaussian(random);
        var omega = tensor(omegaValues, [d, l]);
        var q = linalg.qr(centred.mm(omega)).Q;
        for (int it = 0; it < PowerIterations; it++)
        {
            var z = linalg.qr(centred.t().mm(q)).Q;
            q = linalg.qr(centred.mm(z)).Q;
        }

        var b = q.t().mm(centred).to(ScalarType.Float64);
        var (_, s, vh) = linalg.svd(b, fullMatrices: false);
        var values = s[..k].pow(2) / (n - 1);
        var vectors = vh[..k];
        return (vectors.contiguous().data<double>().ToArray(), values.data<double>().ToArray(), total);
    }

    private static void FixSigns(double[] vectors, int k, int d)
    {
        for (int c = 0; c < k; c++)
        {
            var row = vectors.AsSpan(c * d, d);
            int best = 0;
            for (int f = 1; f < d; f++)
            {
                if (Math.Abs(row[f]) > Math.Abs(row[best])) best = f;
            }

            if (row[best] < 0)
            {
                for (int f = 0; f < d; f++) row[f] = -row[f];
            }
        }
    }
}
