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
}
