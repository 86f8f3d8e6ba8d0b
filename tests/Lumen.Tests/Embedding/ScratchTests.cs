using Lumen.Embedding;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Embedding;

public class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Scratch()
    {
        var (data, _) = EmbeddingTestData.Blobs(1000, 10, 10, 11, spread: 3);
        foreach (var (engine, min) in new[] { (TsneEngine.BarnesHut, 50), (TsneEngine.Fft, 50), (TsneEngine.Fft, 200) })
        {
            var result = Tsne.Run(data, new TsneOptions { Engine = engine, Threads = 2, MinIntervals = min });
            double ext = 0;
            for (int i = 0; i < result.Embedding.Length; i++) ext = Math.Max(ext, Math.Abs(result.Embedding[i]));
            output.WriteLine($"{engine} {min}: exact KL {AttractiveForces.ExactKlDivergence(result.Affinities, result.Embedding):0.0000} reported {result.KlDivergence:0.0000} extent {ext:0.0}");
        }
    }
}
