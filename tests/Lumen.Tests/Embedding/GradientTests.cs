using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

public class GradientTests
{
    private static AffinityMatrix Affinities(int points, int seed, double perplexity = 10)
    {
        var (data, _) = EmbeddingTestData.Blobs(points, 8, 4, seed);
        var graph = ExactNeighbors.Search(data, Tsne.NeighborCount(perplexity, points));
        return AffinityMatrix.FromNeighbors(graph, perplexity);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AttractionEvaluatedOncePerPairEqualsTheSumOverEveryStoredEntry(int threads)
    {
        var p = Affinities(300, 4);
        var y = EmbeddingTestData.RandomEmbedding(300, 3, 4);
        var attract = new double[y.Length];
        AttractiveForces.Compute(p, y, attract, threads);
        double worst = 0, largest = 0;
        for (int i = 0; i < p.Points; i++)
        {
            double fx = 0, fy = 0;
            for (int e = p.RowStarts[i]; e < p.RowStarts[i + 1]; e++)
            {
                int j = p.Columns[e];
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                double w = p.Values[e] / (1 + dx * dx + dy * dy);
                fx += w * dx;
                fy += w * dy;
            }

            worst = Math.Max(worst, Math.Max(Math.Abs(attract[2 * i] - fx), Math.Abs(attract[2 * i + 1] - fy)));
            largest = Math.Max(largest, Math.Max(Math.Abs(fx), Math.Abs(fy)));
        }

        // The loop works in float32 (coordinates, p and the kernel), as FIt-SNE's does: about 1e-6 relative.
        Assert.True(worst < 1e-5 * largest, $"largest difference {worst} (largest force {largest})");
    }

    [Fact]
    public void ExactGradientIsAQuarterOfTheKlGradientByFiniteDifferences()
    {
        var p = Affinities(60, 1);
        var y = EmbeddingTestData.RandomEmbedding(60, 2, 2);
        var attract = new double[y.Length];
        var repel = new double[y.Length];
        double z = new ExactRepulsion().Compute(y, repel);
        AttractiveForces.Compute(p, y, attract, 1);
        const double h = 1e-6;
        for (int e = 0; e < y.Length; e += 7)
        {
            var plus = (double[])y.Clone();
            var minus = (double[])y.Clone();
            plus[e] += h;
            minus[e] -= h;
            double numeric = (AttractiveForces.ExactKlDivergence(p, plus) - AttractiveForces.ExactKlDivergence(p, minus)) / (2 * h);
            double analytic = 4 * (attract[e] - repel[e] / z);
            Assert.True(Math.Abs(numeric - analytic) < 1e-6 + 1e-4 * Math.Abs(analytic), $"entry {e}: numeric {numeric}, analytic {analytic}");
        }
    }

    [Fact]
    public void SymmetricAffinitiesSumToOne()
    {
        var p = Affinities(200, 3);
        Assert.Equal(1.0, p.Values.Sum(), 10);
        for (int i = 0; i < p.Points; i++)
        {
            for (int e = p.RowStarts[i]; e < p.RowStarts[i + 1]; e++)
            {
                int j = p.Columns[e];
                int back = Array.BinarySearch(p.Columns, p.RowStarts[j], p.RowStarts[j + 1] - p.RowStarts[j], i);
                Assert.True(back >= 0);
                Assert.Equal(p.Values[e], p.Values[back], 15);
            }
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void BarnesHutAndFftRepulsionMatchExact(double scale)
    {
        // scale 1: a compact embedding (early optimisation); 5: boxes about one unit wide, where the 3-point
        // interpolation error of FIt-SNE's default grid is largest (a few per cent of the force at most).
        int n = 400;
        var y = EmbeddingTestData.RandomEmbedding(n, 5, scale);
        var exact = new double[2 * n];
        var bh = new double[2 * n];
        var fft = new double[2 * n];
        double zExact = new ExactRepulsion().Compute(y, exact);
        double zBh = new BarnesHutRepulsion(0.5).Compute(y, bh);
        double zFft = new FftRepulsion().Compute(y, fft);
        Assert.True(Math.Abs(zBh / zExact - 1) < 1e-2, $"BH Z {zBh} vs {zExact}");
        Assert.True(Math.Abs(zFft / zExact - 1) < 2e-3, $"FFT Z {zFft} vs {zExact}");
        // Monopole Barnes-Hut at θ = 0.5 errs by a few per cent on sparse random points (measured 2.3 % at scale 5).
        Assert.True(EmbeddingTestData.RelativeL2(bh, exact) < 0.03, $"BH force error {EmbeddingTestData.RelativeL2(bh, exact)}");
        Assert.True(EmbeddingTestData.RelativeL2(fft, exact) < 0.02, $"FFT force error {EmbeddingTestData.RelativeL2(fft, exact)}");
    }

    [Fact]
    public void BarnesHutWithThetaZeroIsExact()
    {
        int n = 150;
        var y = EmbeddingTestData.RandomEmbedding(n, 9, 3);
        y[2] = y[0]; y[3] = y[1]; // a coincident pair
        var exact = new double[2 * n];
        var bh = new double[2 * n];
        double zExact = new ExactRepulsion().Compute(y, exact);
        double zBh = new BarnesHutRepulsion(0).Compute(y, bh);
        Assert.Equal(zExact, zBh, 8);
        Assert.True(EmbeddingTestData.RelativeL2(bh, exact) < 1e-10);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void FftRepulsionIsTheSameForEveryThreadCountAndNodeCount(int nodes)
    {
        // Every part of the engine sums in an order that does not depend on the thread count: the charges per band of
        // grid rows in point order, the forces per point. More nodes per box only refine the same forces.
        int n = 3001;
        var y = EmbeddingTestData.RandomEmbedding(n, 11, 20);
        var exact = new double[2 * n];
        double zExact = new ExactRepulsion().Compute(y, exact);
        var single = new double[2 * n];
        double zSingle = new FftRepulsion(threads: 1, interpolationPoints: nodes).Compute(y, single);
        foreach (int threads in new[] { 2, 3, 7 })
        {
            var forces = new double[2 * n];
            double z = new FftRepulsion(threads: threads, interpolationPoints: nodes).Compute(y, forces);
            Assert.Equal(zSingle, z);
            Assert.Equal(single, forces);
        }

        // Sparse points one box per unit apart, where the interpolation errs most. Measured force and Z errors:
        // 2 nodes (linear) 20 % and 0.53 %, 3 nodes (FIt-SNE's default) 5.9 % and 0.19 %, 8 nodes 0.026 % and 3e-6;
        // bounds about 1.3 times those. At 8 nodes the interpolation error is so small that the float32 rounding of
        // the grids' FFTs, amplified where the force terms cancel, is of the same size and depends on the processor's
        // FFT kernels (0.044 % and 1.7e-6 on an AVX-512 Xeon against 0.026 % and 3e-6 on the machine of the first measurement):
        // its bounds leave room for that and still lie 60 times below the 3-node errors.
        var (forceBound, zBound) = nodes switch { 2 => (0.26, 7e-3), 3 => (0.08, 2.5e-3), _ => (1e-3, 1e-5) };
        Assert.True(EmbeddingTestData.RelativeL2(single, exact) < forceBound, $"force error {EmbeddingTestData.RelativeL2(single, exact)}, Z error {Math.Abs(zSingle / zExact - 1)}");
        Assert.True(Math.Abs(zSingle / zExact - 1) < zBound, $"Z {zSingle} vs {zExact}");
    }
}
