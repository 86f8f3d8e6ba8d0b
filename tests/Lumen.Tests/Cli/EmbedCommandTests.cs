using System.Text.Json;
using Lumen.Imaging;
using Lumen.Tests.Embedding;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Cli;

public class EmbedCommandTests
{
    internal static (string Features, string Labels) WriteBlobs(TempDirectory folder, int points = 300)
    {
        var (data, labels) = EmbeddingTestData.Blobs(points, 12, 3, 31);
        string features = folder.File("x.npy"), labelFile = folder.File("y.npy");
        using (var x = data.ToTensor()) NpyFile.Write(features, x);
        using (var y = tensor(labels)) NpyFile.Write(labelFile, y);
        return (features, labelFile);
    }

    [Fact]
    public void TsneOnAFeatureMatrixWritesCoordinatesFiguresAndPlot()
    {
        using var folder = new TempDirectory();
        var (features, labels) = WriteBlobs(folder);
        string output = folder.File("out");
        var result = CliRunner.Run("embed", "--features", features, "--labels", labels, "--perplexity", "20", "--seed", "3", "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var coordinates = NpyFile.Read(Path.Combine(output, "embedding.npy"));
        Assert.Equal(new long[] { 300, 2 }, coordinates.shape);
        Assert.Equal(ScalarType.Float32, coordinates.dtype);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "embedding.json")));
        var root = json.RootElement;
        Assert.Equal("tsne", root.GetProperty("method").GetString());
        Assert.Equal("exact", root.GetProperty("engine").GetString());
        Assert.True(root.GetProperty("kl_divergence").GetDouble() > 0);
        Assert.True(root.GetProperty("knn_agreement").GetDouble() > 0.95);
        Assert.True(root.GetProperty("trustworthiness").GetDouble() > 0.9);
        Assert.Equal(20, root.GetProperty("kl_history").GetArrayLength());
        Assert.Contains("\"knn_agreement\"", result.Output);
        var plot = RgbImage.Load(Path.Combine(output, "embedding.png"));
        Assert.True(plot.Width > 900);
        string[] csv = File.ReadAllLines(Path.Combine(output, "embedding.csv"));
        Assert.Equal("x,y,label,class", csv[0]);
        Assert.Equal(301, csv.Length);

        // Same seed, same map.
        string again = folder.File("again");
        Assert.Equal(0, CliRunner.Run("embed", "--features", features, "--labels", labels, "--perplexity", "20", "--seed", "3", "--out", again).ExitCode);
        using var second = NpyFile.Read(Path.Combine(again, "embedding.npy"));
        Assert.True(coordinates.equal(second).all().item<bool>());
    }

    [Fact]
    public void PcaReportsExplainedVariance()
    {
        using var folder = new TempDirectory();
        var (features, labels) = WriteBlobs(folder, 120);
        string output = folder.File("out");
        var result = CliRunner.Run("embed", "--features", features, "--labels", labels, "--method", "pca", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("trustworthiness", result.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "embedding.json")));
        var ratios = json.RootElement.GetProperty("explained_variance_ratio");
        Assert.Equal(2, ratios.GetArrayLength());
        Assert.True(ratios[0].GetDouble() >= ratios[1].GetDouble());
        Assert.False(json.RootElement.TryGetProperty("kl_divergence", out _));
    }

    [Fact]
    public void EmbedsALayerOfTheModelOnADataset()
    {
        using var folder = new TempDirectory();
        string images = folder.File("images.npy");
        using (var pixels = rand(new long[] { 40, 1, 28, 28 }, generator: new TorchSharp.torch.Generator(5))) NpyFile.Write(images, pixels);
        string output = folder.File("out");
        var result = CliRunner.Run("embed", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", images,
            "--layer", "conv3", "--pool", "mean", "--perplexity", "5", "--batch-size", "16", "--thumbnails", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        using var coordinates = NpyFile.Read(Path.Combine(output, "embedding.npy"));
        Assert.Equal(new long[] { 40, 2 }, coordinates.shape);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "embedding.json")));
        Assert.Equal(64, json.RootElement.GetProperty("features").GetInt32());
        Assert.True(File.Exists(Path.Combine(output, "embedding-thumbnails.png")));
    }
}
