using Xunit;

namespace Lumen.Tests.Cli;

public sealed class TrainCommandTests
{
    [Fact]
    public void TrainedWeightsLoadForExplaining()
    {
        using var folder = new TempDirectory();
        TinyFashionMnist.Write(folder.Path, 600, 200);
        var weights = Path.Combine(folder.Path, "out", "net.safetensors");
        var trained = CliRunner.Run("train", "--model", "fmnist-net", "--data", folder.Path, "--epochs", "1", "--out", weights);
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Matches(@"test accuracy \d+\.\d+ % on 200 images", trained.Output);
        Assert.Contains("training fmnist-net", trained.Error);

        var explained = CliRunner.Run("explain", "--model", "fmnist-net", "--weights", weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam", "--layer", "relu2", "--out", Path.Combine(folder.Path, "explained"));
        Assert.True(explained.ExitCode == 0, explained.Error);
    }

    [Fact]
    public void ADatasetWithoutLabelsIsRefused()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("train", "--data", Fixtures.FmnistInputs, "--out", Path.Combine(folder.Path, "w.safetensors"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("has no labels", result.Error);
        Assert.False(File.Exists(Path.Combine(folder.Path, "w.safetensors")));
    }
}
