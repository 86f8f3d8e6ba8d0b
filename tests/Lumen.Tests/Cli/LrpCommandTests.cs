using Lumen.Imaging;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary><c>lumen explain --method lrp</c>: composites by kebab-case name, settings, and Zennit's numbers.</summary>
public class LrpCommandTests
{
    [Fact]
    public void LrpWithTheGammaBoxCompositeMatchesZennit()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "lrp", "--param", "composite=epsilon-gamma-box", "--param", "gamma=0.25", "--target", "7,2,1,1", "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var relevance = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.lrp.npy"));
        using var reference = NpyFile.Read(Fixtures.Attribution("zennit_epsilon_gamma_box"));
        Lumen.Tests.Attributions.ReferenceComparison.AssertMatches(reference, relevance);
        Assert.Contains("epsilon-gamma-box", result.Output);
    }

    [Fact]
    public void AnUnknownCompositeIsAUsageError()
    {
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "lrp", "--param", "composite=epsilon-minus", "--out", "unused");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("epsilon-plus-flat", result.Error);
    }
}
