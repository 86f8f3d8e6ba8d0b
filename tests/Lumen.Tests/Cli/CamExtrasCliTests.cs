using Lumen.Imaging;
using Lumen.Tests.Attributions;
using Lumen.Tests.Attributions.Cam;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// The command line of the CAM extras: the three methods, eigen-smooth and aug-smooth, the automatic layer, and the
/// class-sum and segmentation targets on a classifier.
/// </summary>
public sealed class CamExtrasCliTests
{
    private static string Weights => Fixtures.FmnistWeights;

    [Fact]
    public void TheNewMethodsWriteThePytorchGradCamMaps()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam-elementwise,eigengradcam", "--layer", "conv3", "--param", "relu=false", "--target", "7,2,1,1", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        using (var written = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.gradcam-elementwise.npy")))
        using (var expected = NpyFile.Read(CamExtrasReferenceTests.Extended("gradcam_gradcam_elementwise__raw")))
            ReferenceComparison.AssertMatches(expected, written.squeeze(1));

        string full = folder.File("full");
        var fullGrad = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "fullgrad", "--target", "7,2,1,1", "--out", full);
        Assert.True(fullGrad.ExitCode == 0, fullGrad.Error);
        Assert.Contains("fullgrad: layers=conv1,conv2,conv3, aug-smooth=false", fullGrad.Output);
        using (var written = NpyFile.Read(Path.Combine(full, "fmnist_cnn_inputs_0_3.fullgrad.npy")))
        using (var expected = NpyFile.Read(CamExtrasReferenceTests.Extended("gradcam_fullgrad__raw")))
            ReferenceComparison.AssertMatches(expected, written.squeeze(1));
    }

    [Fact]
    public void WithoutALayerTheSummaryNamesTheChosenOne()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam,eigencam", "--param", "aug-smooth=true", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("gradcam: layer=relu3, relu=true, aug-smooth=true, eigen-smooth=false, layer-choice=automatic", result.Output);
        var json = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "hirescam", "--param", "eigen-smooth=true", "--target", "3+7", "--out", folder.File("out2"), "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Contains("\"layer-choice\": \"automatic\"", json.Output);
        Assert.Contains("\"eigen-smooth\": \"true\"", json.Output);
        Assert.Contains("\"target\": \"3+7\"", json.Output);
    }

    [Theory]
    [InlineData("eigencam", "eigen-smooth=true", "predicted", "method 'eigencam' has no setting 'eigen-smooth'")]
    [InlineData("fullgrad", "relu=false", "predicted", "method 'fullgrad' has no setting 'relu'")]
    [InlineData("gradcam", "aug-smooth=maybe", "predicted", "--param aug-smooth=maybe: expected true or false")]
    [InlineData("gradcam", "relu=true", "seg:1", "needs a segmentation output [N, K, H, W]")]
    [InlineData("gradcam", "relu=true", "3+3", "names a class twice")]
    [InlineData("gradcam", "relu=true", "3+x", "classes joined by +")]
    [InlineData("gradcam", "relu=true", "3+12", "target class 12 is out of range")]
    public void BadRequestsFailWithOneLine(string method, string parameter, string target, string message)
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", method, "--param", parameter, "--target", target, "--out", folder.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void MethodsListsTheNewMethodsAndTheirSettings()
    {
        var result = CliRunner.Run("methods", "--verbose");
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string name in new[] { "eigengradcam", "gradcam-elementwise", "fullgrad" })
            Assert.Contains(name, result.Output);
        Assert.Contains("--param eigen-smooth=false", result.Output);
        Assert.Contains("--param aug-smooth=false", result.Output);
        Assert.Contains("(--layer, default the last spatial layer)", result.Output);
    }
}
