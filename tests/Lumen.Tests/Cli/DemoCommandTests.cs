using System.Text.RegularExpressions;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// The main job on a small cut of Fashion-MNIST (1,000 training and 500 test images, one epoch), so it runs in
/// seconds; the full run's figures are in the README.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public void TheDemoTrainsExplainsAndWritesAReportThatLoadsInABrowser()
    {
        using var folder = new TempDirectory();
        var data = Path.Combine(folder.Path, "data");
        Directory.CreateDirectory(data);
        TinyFashionMnist.Write(data, 1000, 500);
        string[] args = ["demo", "--data", data, "--epochs", "1", "--cache", Path.Combine(folder.Path, "cache"), "--out", Path.Combine(folder.Path, "report")];

        var first = CliRunner.Run(args);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("shortcut model:", first.Output);
        Assert.Matches("The tag is (not )?a significant concept for the shortcut model's 'Shirt' class .* for the clean model's", first.Output);
        Assert.Contains("[5/5] writing the report", first.Error);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder.Path, "cache"), "*.safetensors").Length);

        var page = Path.Combine(folder.Path, "report", "index.html");
        var html = File.ReadAllText(page);
        Assert.Contains("The shortcut (&quot;Clever Hans&quot;) experiment", html);
        Assert.Contains("Is the tag a concept the models use? (TCAV)", html);
        Assert.Contains("<th>gradcam</th>", html);
        var (dom, console) = Chromium.DumpDom(page, Path.Combine(folder.Path, "profile"));
        Assert.Empty(console);
        var loaded = Regex.Match(dom, "data-images-loaded=\"(\\d+)/(\\d+)\"");
        Assert.True(loaded.Success, "the page's load script did not run");
        Assert.Equal(loaded.Groups[2].Value, loaded.Groups[1].Value);
        Assert.True(int.Parse(loaded.Groups[2].Value) > 50);

        var screenshot = Path.Combine(folder.Path, "report.png");
        Chromium.Screenshot(page, screenshot, Path.Combine(folder.Path, "profile"), 1280, 900);
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        var second = CliRunner.Run(args);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("loaded from the cache", second.Error);
    }

    [Fact]
    public void AMissingDatasetSaysHowToGetIt()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("demo", "--data", Path.Combine(folder.Path, "nothing"), "--out", folder.Path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("was not found", result.Error);
        Assert.False(File.Exists(Path.Combine(folder.Path, "index.html")));
    }
}
