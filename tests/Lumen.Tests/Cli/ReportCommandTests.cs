using System.Text.RegularExpressions;
using Xunit;

namespace Lumen.Tests.Cli;

public sealed class ReportCommandTests
{
    [Fact]
    public void TheReportComparesEveryMethodOnEveryImageAndLoadsInABrowser()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "saliency-abs,gradcam,lrp", "--layer", "conv3", "--out", folder.Path);
        Assert.True(result.ExitCode == 0, result.Error);
        var page = Path.Combine(folder.Path, "index.html");
        var html = File.ReadAllText(page);
        Assert.Equal(4 + 4 * 3, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        foreach (var method in new[] { "saliency-abs", "gradcam", "lrp" }) Assert.Contains($"<th>{method}</th>", html);

        var (dom, console) = Chromium.DumpDom(page, Path.Combine(folder.Path, "profile"));
        Assert.Empty(console);
        Assert.Contains("data-images-loaded=\"16/16\"", dom);
    }

    [Fact]
    public void AnUnknownMethodWritesNoReport()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "saliency-abs,nosuch", "--out", folder.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown method 'nosuch'", result.Error);
        Assert.False(File.Exists(Path.Combine(folder.Path, "index.html")));
    }
}
