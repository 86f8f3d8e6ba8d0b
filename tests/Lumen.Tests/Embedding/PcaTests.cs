using Lumen.Embedding;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Embedding;

public class PcaTests
{
    // X = U diag(σ) Vᵀ + mean with centred orthonormal U and orthonormal V: the components are V's columns and the
    // variances σ² / (N − 1).
    private static (FeatureMatrix Data, double[] V, double[] Sigma) Known(int n, int d, int rank, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var a = randn([n, rank], dtype: ScalarType.Float64, generator: generator);
        a -= a.mean([0L], keepdim: true);
        var u = linalg.qr(a).Q;
        var v = linalg.qr(randn([d, rank], dtype: ScalarType.Float64, generator: generator)).Q;
        var sigma = Enumerable.Range(0, rank).Select(i => 100.0 / (i + 1)).ToArray();
        var x = u.mm(diag(tensor(sigma))).mm(v.t()) + 3.0;
        return (FeatureMatrix.FromTensor(x), v.t().contiguous().data<double>().ToArray(), sigma);
    }

    [Theory]
    [InlineData(PcaSolver.Exact, 200, 12)]
    [InlineData(PcaSolver.Exact, 30, 80)]
    [InlineData(PcaSolver.Randomized, 300, 40)]
    public void RecoversAKnownDecomposition(PcaSolver solver, int n, int d)
    {
        const int rank = 5;
        var (data, v, sigma) = Known(n, d, rank, 7);
        var pca = PrincipalComponents.Fit(data, 3, solver);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(sigma[c] * sigma[c] / (n - 1), pca.ExplainedVariance[c], 1e-3 * sigma[c] * sigma[c] / (n - 1));
            double dot = 0;
            for (int f = 0; f < d; f++) dot += pca.Components[c * d + f] * v[c * d + f];
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-4, $"component {c}: |cos| = {Math.Abs(dot)}");
            // Sign rule: the largest-magnitude loading is positive.
            var row = pca.Components.AsSpan(c * d, d).ToArray();
            Assert.True(row[Array.IndexOf(row, row.MaxBy(Math.Abs))] > 0);
        }

        double total = sigma.Sum(s => s * s) / (n - 1);
        Assert.Equal(sigma[0] * sigma[0] / (n - 1) / total, pca.ExplainedVarianceRatio[0], 3);
    }

    [Fact]
    public void TransformProjectsCentredData()
    {
        var (data, _, _) = Known(100, 10, 4, 9);
        var pca = PrincipalComponents.Fit(data, 4);
        var projected = pca.Transform(data);
        // Rank-4 data: the 4 components reconstruct it, and the projections are centred.
        for (int c = 0; c < 4; c++)
        {
            double mean = 0;
            for (int i = 0; i < 100; i++) mean += projected.Data[i * 4 + c];
            Assert.True(Math.Abs(mean / 100) < 1e-3);
        }

        for (int i = 0; i < 100; i += 13)
        {
            for (int f = 0; f < 10; f++)
            {
                double value = pca.Mean[f];
                for (int c = 0; c < 4; c++) value += projected.Data[i * 4 + c] * pca.Components[c * 10 + f];
                Assert.Equal(data.Data[i * 10 + f], value, 2);
            }
        }

        Assert.Equal(ErrorKind.InputData, Assert.Throws<LumenException>(() => pca.Transform(new FeatureMatrix(2, 3, new float[6]))).Kind);
    }
}
