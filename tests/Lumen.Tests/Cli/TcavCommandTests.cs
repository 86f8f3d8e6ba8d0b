using System.Text.Json;
using Xunit;

namespace Lumen.Tests.Cli;

public class TcavCommandTests
{
    [Fact]
    public void WritesEveryRunOfEveryConceptAndIsReproducible()
    {
        using var folder = new TempDirectory();
        string[] Args(string output) => ["tcav", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", "fashion-mnist",
            "--layer", "conv3", "--class", "1", "--concept", "trouser=label:1,bag=label:8", "--set-size", "8", "--random-sets", "3",
            "--class-images", "12", "--seed", "2", "--out", output];
        var result = CliRunner.Run(Args(folder.File("a")));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("trouser", result.Output);
        Assert.Contains("significant (p < 0.025)", result.Output);
        string json = File.ReadAllText(Path.Combine(folder.File("a"), "tcav.json"));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("conv3", root.GetProperty("layer").GetString());
        Assert.Equal(12, root.GetProperty("classImages").GetInt32());
        var concepts = root.GetProperty("concepts").EnumerateArray().ToList();
        Assert.Equal(new[] { "trouser", "bag" }, concepts.Select(c => c.GetProperty("name").GetString()));
        Assert.All(concepts, c => Assert.Equal(3, c.GetProperty("scores").GetArrayLength()));
        Assert.All(concepts, c => Assert.InRange(c.GetProperty("p").GetDouble(), 0, 1));
        var again = CliRunner.Run(Args(folder.File("b")));
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(json, File.ReadAllText(Path.Combine(folder.File("b"), "tcav.json")));
    }

    [Theory]
    [InlineData("trouser", "--concept trouser: expected NAME=SOURCE")]
    [InlineData("trouser=label:x", "label:x: expected label:K")]
    public void BadConceptsAreUsageErrors(string concept, string message)
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("tcav", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", "fashion-mnist",
            "--layer", "conv3", "--class", "1", "--concept", concept, "--out", folder.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }
}
