using Xunit;

namespace Lumen.Tests.Cli;

public class ListingCommandTests
{
    [Fact]
    public void LayersListsNamesTypesAndShapes()
    {
        var result = CliRunner.Run("layers", "--model", "fmnist-cnn");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("conv3    Conv2d             [64, 7, 7]", result.Output);
        Assert.Contains("fc       Linear             [10]", result.Output);
    }

    [Fact]
    public void MethodsListsEveryMethodAndVerboseItsSettings()
    {
        var plain = CliRunner.Run("methods");
        Assert.Equal(0, plain.ExitCode);
        foreach (string name in new[] { "saliency", "saliency-abs", "saliency-squared", "gradient-x-input", "gradient-squared-x-input", "gradcam" })
            Assert.Contains(name + " ", plain.Output);
        Assert.DoesNotContain("--param", plain.Output);
        var verbose = CliRunner.Run("methods", "--verbose");
        Assert.Contains("--param relu=true", verbose.Output);
    }

    [Fact]
    public void HelpDescribesEveryOption()
    {
        var result = CliRunner.Run("explain", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--model", "--weights", "--image", "--input", "--method", "--target", "--layer", "--param", "--out", "--json" })
            Assert.Contains(option, result.Output);
    }

    [Fact]
    public void ModelsListsTheCatalog()
    {
        var result = CliRunner.Run("models");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("fmnist-cnn", result.Output);
        Assert.Contains("mobilenet_v2", result.Output);
    }
}
