using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

public class AffinityAndQualityTests
{
    [Theory]
    [InlineData(5.0)]
    [InlineData(30.0)]
    public void CalibrationHitsTheTargetEntropy(double perplexity)
    {
        var random = new Random(3);
        var distances = Enumerable.Range(0, 90).Select(_ => (float)(random.NextDouble() * 50 + 10)).ToArray();
        var p = new double[90];
        PerplexityCalibration.Calibrate(distances, Math.Log(perplexity), p);
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.True(Math.Abs(PerplexityCalibration.Entropy(p) - Math.Log(perplexity)) < 1e-5);
        // Nearer neighbours get more probability.
        int nearest = Array.IndexOf(distances, distances.Min());
        Assert.Equal(p.Max(), p[nearest]);
    }

    [Fact]
    public void TrustworthinessOfAHandCase()
    {
        // Input on a line at 0, 1, 3, 7; embedding pairs (0, 2) and (1, 3). With k = 1 the penalties are
        // 1 + 2 + 1 + 1 = 5 and T = 1 − 2 / (4·1·(8 − 3 − 1))·5 = 0.375.
        var input = new FeatureMatrix(4, 1, [0f, 1f, 3f, 7f]);
        var embedding = new double[] { 0, 0, 10, 0, 1, 0, 11, 0 };
        Assert.Equal(0.375, EmbeddingQuality.Trustworthiness(input, embedding, k: 1), 12);
        var identity = new double[] { 0, 0, 1, 0, 3, 0, 7, 0 };
        Assert.Equal(1.0, EmbeddingQuality.Trustworthiness(input, identity, k: 1), 12);
    }

    [Fact]
    public void KnnAgreementOfAHandCase()
    {
        var embedding = new double[] { 0, 0, 1, 0, 10, 0, 11, 0 };
        Assert.Equal(0.5, EmbeddingQuality.KnnAgreement(embedding, [0L, 1L, 0L, 0L], k: 1), 12);
    }

    [Fact]
    public void PlaneNeighborsAreExact()
    {
        var y = EmbeddingTestData.RandomEmbedding(700, 21, 5);
        y[10] = y[12]; y[11] = y[13]; // a coincident pair
        var grid = PlaneNeighbors.Search(y, 7);
        var brute = ExactNeighbors.Search(new FeatureMatrix(700, 2, y.Select(v => (float)v).ToArray()), 7);
        Assert.Equal(1.0, grid.RecallAgainst(brute, Enumerable.Range(0, 700).ToArray()), 2);
    }

    [Fact]
    public void ApproximateNeighborsHaveHighRecall()
    {
        var (data, _) = EmbeddingTestData.Blobs(3000, 16, 8, 22, spread: 1.5);
        var exact = ExactNeighbors.Search(data, 30);
        var approx = new RandomProjectionForest().Search(data, 30, seed: 0);
        double recall = approx.RecallAgainst(exact, Enumerable.Range(0, 3000).ToArray());
        Assert.True(recall > 0.9, $"recall {recall}");
        for (int i = 0; i < 3000; i++)
        {
            Assert.DoesNotContain(i, approx.NeighborsOf(i).ToArray());
        }
    }

    [Fact]
    public void ForestTreeSeedsAreTheSameInEveryProcess()
    {
        // Pinned values: a process-randomized hash (System.HashCode) here made every run's neighbours, and so every
        // t-SNE map of more than a few thousand points, differ between processes.
        Assert.Equal(2065550767, RandomProjectionForest.TreeSeed(0, 0));
        Assert.Equal(-1538687896, RandomProjectionForest.TreeSeed(7, 3));
        Assert.NotEqual(RandomProjectionForest.TreeSeed(0, 1), RandomProjectionForest.TreeSeed(1, 0));
    }
}
