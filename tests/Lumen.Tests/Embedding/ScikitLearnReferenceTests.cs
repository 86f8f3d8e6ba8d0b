using System.Text.Json;
using Lumen.Embedding;
using Lumen.Imaging;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Embedding;

/// <summary>
/// Exact t-SNE against scikit-learn 1.2.1's exact t-SNE on real features: the 64 pooled features of the reference
/// fmnist_cnn for Fashion-MNIST test images (fixtures/tsne, written by make_reference.py with Debian's PyTorch and
/// scikit-learn). Both embeddings are judged by the same figures: the KL divergence under sklearn's dense P (perplexity
/// calibrated over all other points) and trustworthiness at k = 10.
/// </summary>
[Collection(SerialCollection.Name)]
public class ScikitLearnReferenceTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(Fixtures.Root, "tsne");

    /// <summary>Our quality figures, applied to sklearn's own embedding, give sklearn's numbers.</summary>
    [Theory]
    [InlineData(500)]
    [InlineData(2000)]
    public void TrustworthinessAndKlOfScikitLearnsEmbeddingMatchItsFigures(int points)
    {
        var reference = Reference(points);
        var features = Features(points);
        var embedding = ReadEmbedding(reference.Embedding);

        // Same formula and ranks; the input distances differ in float32 rounding only (sklearn: |x|² − 2x·y + |y|²).
        Assert.Equal(reference.Trustworthiness, EmbeddingQuality.Trustworthiness(features, embedding, 10, points), 4);
        // sklearn reports the KL of its last gradient evaluation, one step before the returned embedding, and rounds
        // P's perplexity search to a tolerance of 1e-5: 0.5 % covers both (measured: below 0.1 %).
        double kl = AttractiveForces.ExactKlDivergence(DenseAffinities(features), embedding, 2);
        output.WriteLine($"{points} points, sklearn's embedding: KL {kl:0.00000} (reported {reference.KlDivergence:0.00000})");
        Assert.True(Math.Abs(kl / reference.KlDivergence - 1) < 0.005, $"KL of sklearn's embedding {kl:0.00000} vs its report {reference.KlDivergence:0.00000}");
    }

    /// <summary>The criterion: KL at most sklearn's × 1.02 and trustworthiness at least sklearn's − 0.005.</summary>
    [Theory]
    [InlineData(500)]
    [InlineData(2000)]
    public void ExactTsneMatchesOrBeatsScikitLearn(int points)
    {
        var reference = Reference(points);
        var features = Features(points);
        var result = Tsne.Run(features, new TsneOptions { Engine = TsneEngine.Exact, Seed = 0, Threads = 2 });

        double kl = AttractiveForces.ExactKlDivergence(DenseAffinities(features), result.Embedding, 2);
        double trust = EmbeddingQuality.Trustworthiness(features, result.Embedding, 10, points);
        output.WriteLine($"{points} points: KL {kl:0.00000} (sklearn {reference.KlDivergence:0.00000}), trustworthiness {trust:0.00000} (sklearn {reference.Trustworthiness:0.00000}); optimisation {result.OptimizationTime.TotalSeconds:0.0} s");
        Assert.True(kl <= reference.KlDivergence * 1.02, $"KL {kl:0.00000} vs sklearn {reference.KlDivergence:0.00000}");
        Assert.True(trust >= reference.Trustworthiness - 0.005, $"trustworthiness {trust:0.00000} vs sklearn {reference.Trustworthiness:0.00000}");
    }

    /// <summary>The approximate engines on the same 2,000 real feature vectors: KL within 3 % of the exact reference's.</summary>
    [Theory]
    [InlineData(TsneEngine.BarnesHut)]
    [InlineData(TsneEngine.Fft)]
    public void ApproximateEnginesReachTheReferenceKlWithin3Percent(TsneEngine engine)
    {
        var reference = Reference(2000);
        var features = Features(2000);
        var result = Tsne.Run(features, new TsneOptions { Engine = engine, Seed = 0, Threads = 2 });
        double kl = AttractiveForces.ExactKlDivergence(DenseAffinities(features), result.Embedding, 2);
        output.WriteLine($"{engine}, 2000 points: KL {kl:0.00000} (sklearn exact {reference.KlDivergence:0.00000}); optimisation {result.OptimizationTime.TotalSeconds:0.0} s");
        Assert.True(Math.Abs(kl / reference.KlDivergence - 1) < 0.03, $"{engine} KL {kl:0.00000} vs sklearn exact {reference.KlDivergence:0.00000}");
    }

    /// <summary>sklearn's P: every other point is a neighbour.</summary>
    private static AffinityMatrix DenseAffinities(FeatureMatrix features) =>
        AffinityMatrix.FromNeighbors(ExactNeighbors.Search(features, features.Rows - 1, 2), 30, 2);

    private static FeatureMatrix Features(int points)
    {
        using var scope = NewDisposeScope();
        var all = NpyFile.Read(Path.Combine(Folder, "fmnist_cnn_gap_test_2000.npy"));
        return FeatureMatrix.FromTensor(all[..points]);
    }

    private static double[] ReadEmbedding(string file)
    {
        using var scope = NewDisposeScope();
        return NpyFile.Read(Path.Combine(Folder, file)).to(ScalarType.Float64).data<double>().ToArray();
    }

    private static Run Reference(int points)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "sklearn_tsne.json")));
        var run = json.RootElement.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("points").GetInt32() == points);
        return new Run(run.GetProperty("embedding").GetString()!, run.GetProperty("kl_divergence").GetDouble(),
            run.GetProperty("trustworthiness_k10").GetDouble());
    }

    private sealed record Run(string Embedding, double KlDivergence, double Trustworthiness);
}
