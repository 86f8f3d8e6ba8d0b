using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

[Collection(SerialCollection.Name)]
public class TsneTests
{
    [Theory]
    [InlineData(TsneEngine.Fft)]
    [InlineData(TsneEngine.BarnesHut)]
    public void SameSeedAndThreadsGiveIdenticalEmbeddings(TsneEngine engine)
    {
        var (data, _) = EmbeddingTestData.Blobs(600, 10, 6, 12);
        var options = new TsneOptions { Engine = engine, Threads = 2, ExaggerationIterations = 60, Iterations = 60, Seed = 4 };
        var first = Tsne.Run(data, options).Embedding;
        var second = Tsne.Run(data, options).Embedding;
        Assert.Equal(first, second);
    }

    [Fact]
    public void SeparatedClustersStaySeparatedAndKlDecreases()
    {
        var (data, labels) = EmbeddingTestData.Blobs(500, 20, 5, 13);
        var result = Tsne.Run(data, new TsneOptions { Engine = TsneEngine.Exact, Perplexity = 20 });
        Assert.True(EmbeddingQuality.KnnAgreement(result.Embedding, labels, 10) > 0.99);
        Assert.True(EmbeddingQuality.Trustworthiness(data, result.Embedding, 10) > 0.9);
        var history = result.KlHistory;
        Assert.Equal(20, history.Count);
        Assert.True(history[^1].Kl < history[5].Kl, "KL fell after early exaggeration");
    }

    [Fact]
    public void PcaInitialisationHasTheDocumentedScale()
    {
        var (data, _) = EmbeddingTestData.Blobs(300, 6, 3, 14);
        var y = TsneInitialization.Pca(data, 0);
        double mean = 0, var = 0;
        for (int i = 0; i < 300; i++) mean += y[2 * i];
        mean /= 300;
        for (int i = 0; i < 300; i++) var += (y[2 * i] - mean) * (y[2 * i] - mean);
        Assert.Equal(1e-4, Math.Sqrt(var / 300), 10);
        Assert.Equal(0, mean, 12);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        var (data, _) = EmbeddingTestData.Blobs(200, 5, 2, 15);
        using var source = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Iteration >= 20) source.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Tsne.Run(data, new TsneOptions { Perplexity = 10 }, progress, source.Token));
    }

    [Fact]
    public void TooLargeAPerplexityIsAUsageError()
    {
        var (data, _) = EmbeddingTestData.Blobs(50, 5, 2, 16);
        var error = Assert.Throws<LumenException>(() => Tsne.Run(data, new TsneOptions { Perplexity = 30 }));
        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    private sealed class SynchronousProgress(Action<TsneProgress> action) : IProgress<TsneProgress>
    {
        public void Report(TsneProgress value) => action(value);
    }
}
