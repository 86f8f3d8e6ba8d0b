using System.Globalization;
using Xunit;

namespace Lumen.Tests.Cli;

public class EvaluateCommandTests
{
    [Fact]
    public void WritesOneRowPerMethodImageAndMetric()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam,random", "--layer", "conv3", "--metric", "deletion,pixel-flipping", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        string[] lines = File.ReadAllLines(Path.Combine(output, "evaluation.csv"));
        Assert.Equal("method,image,metric,value", lines[0]);
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(2 * 4 * 3, rows.Count);
        Assert.Equal(new[] { "deletion", "pixel-flipping-lerf", "pixel-flipping-morf" }, rows.Select(r => r[2]).Distinct().Order());
        Assert.Equal(new[] { "fmnist_cnn_inputs_0_3.0", "fmnist_cnn_inputs_0_3.1", "fmnist_cnn_inputs_0_3.2", "fmnist_cnn_inputs_0_3.3" }, rows.Select(r => r[1]).Distinct().Order());
        double Mean(string method, string metric) => rows.Where(r => r[0] == method && r[2] == metric).Average(r => double.Parse(r[3], CultureInfo.InvariantCulture));
        Assert.True(Mean("gradcam", "deletion") < Mean("random", "deletion"));
        Assert.True(Mean("gradcam", "pixel-flipping-morf") > Mean("random", "pixel-flipping-morf"));
        Assert.Contains("gradcam", result.Output);
        Assert.Contains("evaluation.csv", result.Output);
        Assert.DoesNotContain(Directory.GetFiles(output), file => file.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomizationAndSensitivityRowsNameLayerAndSimilarity()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "sobel", "--metric", "randomization,max-sensitivity", "--samples", "2", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        var rows = File.ReadAllLines(Path.Combine(output, "evaluation.csv")).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(4 * (2 * 4 * 4 + 4), rows.Count);
        Assert.All(rows.Where(r => r[2].EndsWith(":spearman", StringComparison.Ordinal)), r => Assert.Equal(1.0, double.Parse(r[3], CultureInfo.InvariantCulture), 9));
        Assert.Contains(rows, r => r[2] == "randomization:cascading:conv1:ssim-abs");
        Assert.Contains(rows, r => r[2] == "randomization:independent:fc:spearman");
        Assert.Equal(new[] { "avg-sensitivity", "max-score-change", "max-sensitivity", "prediction-stability" },
            rows.Select(r => r[2]).Where(m => !m.StartsWith("randomization", StringComparison.Ordinal)).Distinct().Order());
    }

    [Fact]
    public void AllRunsEveryMetricAndSkipsLocalisationWithoutARegion()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "random", "--metric", "all", "--box", "8,8,20,20", "--samples", "2", "--runs", "10", "--percentages", "20,60", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var metrics = File.ReadAllLines(Path.Combine(output, "evaluation.csv")).Skip(1).Select(line => line.Split(',')[2]).Distinct().ToList();
        foreach (string name in new[] { "deletion", "insertion", "pixel-flipping-morf", "faithfulness-correlation", "infidelity", "road-morf", "road-lerf:60",
            "max-sensitivity", "local-lipschitz", "pointing-game", "relevance-mass", "relevance-rank", "top-k-intersection", "sparseness", "complexity",
            "randomization:cascading:fc:spearman", "random-logit", "completeness", "input-invariance" })
            Assert.Contains(name, metrics);
        Assert.Contains("top-k-intersection", result.Output);

        string second = folder.File("second");
        var skipped = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "random", "--metric", "sparseness,all", "--samples", "2", "--runs", "10", "--percentages", "50", "--out", second);
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.Contains("skipping pointing-game: it needs the region known to matter (--mask FILE or --box x0,y0,x1,y1)", skipped.Error);
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(second, "evaluation.csv")), line => line.Contains("relevance-mass", StringComparison.Ordinal));
    }

    [Fact]
    public void ALocalisationMetricWithoutARegionIsAUsageError()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "random", "--metric", "pointing-game", "--out", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--metric pointing-game: it needs the region known to matter", result.Error);
        Assert.False(Directory.Exists(output));
        var badBox = CliRunner.Run("evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "random", "--metric", "pointing-game", "--box", "20,8,8,20", "--out", output);
        Assert.Equal(2, badBox.ExitCode);
        Assert.Contains("--box 20,8,8,20", badBox.Error);
    }
}
