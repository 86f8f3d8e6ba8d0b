using System.Text.Json;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary><c>lumen bench</c>: the cost tables and their files; serial, since they change libtorch's global thread count.</summary>
[Collection(SerialCollection.Name)]
public class BenchCommandTests
{
    [Fact]
    public void BenchWritesMethodCostsAndThroughputAsMarkdownAndJson()
    {
        using var folder = new TempDirectory();
        string output = folder.File("bench");
        var result = CliRunner.Run("bench", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--layer", "conv3",
            "--method", "saliency-abs,gradcam,occlusion", "--param", "window=14", "--param", "stride=14",
            "--repeat", "1", "--batch-sizes", "1,4", "--threads", "1", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("| occlusion |", result.Output);
        Assert.Equal(result.Output, File.ReadAllText(Path.Combine(output, "bench.md")));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "bench.json")));
        var methods = json.RootElement.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(new[] { "saliency-abs", "gradcam", "occlusion" }, methods.Select(m => m.GetProperty("method").GetString()));
        Assert.All(methods, m => Assert.True(m.GetProperty("forwardBackwardUnits").GetDouble() > 0));
        Assert.Contains("window=14", methods[2].GetProperty("settings").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("threads").GetInt32());
        var inference = json.RootElement.GetProperty("inference").EnumerateArray().ToList();
        Assert.Equal(new[] { 1, 4 }, inference.Select(row => row.GetProperty("batchSize").GetInt32()));
        Assert.All(inference, row => Assert.True(row.GetProperty("imagesPerSecond").GetDouble() > 0));
    }

    [Theory]
    [InlineData("--method", "occlussion", "unknown method")]
    [InlineData("--batch-sizes", "0,4", "--batch-sizes")]
    [InlineData("--repeat", "0", "--repeat")]
    [InlineData("--threads", "0", "--threads")]
    [InlineData("--param", "window=4", "none of the measured methods")]
    public void BadSettingsFailWithAUsageErrorAndWriteNothing(string option, string value, string expected)
    {
        using var folder = new TempDirectory();
        string output = folder.File("bench");
        var result = CliRunner.Run("bench", "--model", "fmnist-cnn", "--method", "saliency-abs", option, value, "--out", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TheGlobalThreadsOptionHoldsForOneCommandAndIsRestored()
    {
        int before = TorchSharp.torch.get_num_threads();
        var result = CliRunner.Run("models", "--threads", "1");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }
}
