using System.Text.Json;
using Lumen.Imaging;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary><c>lumen methods</c> and <c>lumen explain</c> with the gradient family: integrated gradients, smoothgrad, guided backprop, deconvnet, guided Grad-CAM.</summary>
public class GradientFamilyCliTests
{
    [Fact]
    public void MethodsListsTheGradientFamily()
    {
        var plain = CliRunner.Run("methods");
        Assert.Equal(0, plain.ExitCode);
        foreach (string name in new[] { "integrated-gradients", "smoothgrad", "guided-backprop", "deconvnet", "guided-gradcam" })
            Assert.Contains(name + " ", plain.Output);
        var verbose = CliRunner.Run("methods", "--verbose");
        Assert.Contains("--param method=gausslegendre", verbose.Output);
        Assert.Contains("--param variant=smoothgrad", verbose.Output);
    }

    [Fact]
    public void ExplainRunsEveryNewMethodAndMatchesCaptum()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "integrated-gradients,guided-backprop,deconvnet,guided-gradcam", "--layer", "conv3", "--target", "7,2,1,1",
            "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (var (method, reference) in new[]
                 {
                     ("integrated-gradients", "captum_ig_gausslegendre"), ("guided-backprop", "captum_guided_backprop"),
                     ("deconvnet", "captum_deconvolution"), ("guided-gradcam", "captum_guided_gradcam"),
                 })
        {
            using var written = NpyFile.Read(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{method}.npy"));
            using var expected = NpyFile.Read(Fixtures.Attribution(reference));
            Lumen.Tests.Attributions.ReferenceComparison.AssertMatches(expected, written);
        }
        using var json = JsonDocument.Parse(result.Output);
        var ig = json.RootElement.GetProperty("methods")[0];
        Assert.Equal("integrated-gradients", ig.GetProperty("name").GetString());
        Assert.Equal("gausslegendre", ig.GetProperty("settings").GetProperty("method").GetString());
        Assert.Equal(4, ig.GetProperty("extras").GetProperty("delta").GetArrayLength());
    }

    [Fact]
    public void SmoothGradTakesItsBaseVariantAndNoiseFromParams()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "smoothgrad", "--param", "base=integrated-gradients", "--param", "steps=4", "--param", "variant=vargrad",
            "--param", "noise-fraction=0.1", "--param", "samples=3", "--param", "seed=5", "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var settings = json.RootElement.GetProperty("methods")[0].GetProperty("settings");
        Assert.Equal("integrated-gradients", settings.GetProperty("base").GetString());
        Assert.Equal("4", settings.GetProperty("base.steps").GetString());
        Assert.Equal("vargrad", settings.GetProperty("variant").GetString());
        using var values = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.smoothgrad.npy"));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, values.shape);
    }

    [Theory]
    [InlineData("integrated-gradients", "method=simpson", "use one of gausslegendre")]
    [InlineData("integrated-gradients", "baseline=fog", "expected zero, a number, blur")]
    [InlineData("smoothgrad", "base=smoothgrad", "cannot wrap itself")]
    [InlineData("smoothgrad", "steps=3", "method 'saliency' has no setting 'steps'")]
    public void BadSettingsAreUsageErrors(string method, string parameter, string message)
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", method, "--param", parameter, "--out", folder.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void GuidedGradCamNeedsALayer()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "guided-gradcam", "--out", folder.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("needs a layer", result.Error);
    }
}
