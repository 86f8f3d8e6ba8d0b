using Lumen.Imaging;
using Lumen.Tests.Attributions;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>The CAM family through <c>lumen explain</c>: raw maps at the layer's resolution, several layers, refusals.</summary>
public class CamCommandTests
{
    private static readonly string Weights = Fixtures.FmnistWeights;

    [Fact]
    public void EveryVariantWritesItsRawMapAtTheLayersResolution()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam-plus-plus,hirescam,xgradcam,layercam,scorecam,ablationcam,eigencam", "--layer", "conv3",
            "--param", "relu=false", "--target", "7,2,1,1", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (var (method, reference) in new[] { ("gradcam-plus-plus", "gradcampp"), ("scorecam", "scorecam"), ("ablationcam", "ablationcam") })
        {
            using var written = NpyFile.Read(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{method}.npy"));
            using var expected = NpyFile.Read(Fixtures.Attribution($"gradcam_{reference}__raw"));
            ReferenceComparison.AssertMatches(expected, written.squeeze(1));
        }
        using var eigen = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.eigencam.npy"));
        Assert.Equal(new long[] { 4, 1, 7, 7 }, eigen.shape);
        Assert.Equal(7 * 5, Directory.GetFiles(output).Length);
    }

    [Fact]
    public void CamRunsAtTheLayerBeforePoolingAndCombinesSeveralLayersAtTheInputSize()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var single = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "cam", "--layer", "relu3", "--out", output);
        Assert.True(single.ExitCode == 0, single.Error);
        using var cam = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.cam.npy"));
        Assert.Equal(new long[] { 4, 1, 7, 7 }, cam.shape);

        var several = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam", "--layer", "conv2,conv3", "--param", "combine=max", "--param", "upsampling=nearest", "--out", output);
        Assert.True(several.ExitCode == 0, several.Error);
        using var combined = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.gradcam.npy"));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, combined.shape);
        Assert.True(combined.max().item<float>() <= 1f);
    }

    [Theory]
    [InlineData("cam", "conv3", "relu=true", "cam needs 'conv3' to feed global average pooling and then the linear layer 'fc' directly, but in fmnist-cnn 'conv3' is followed by relu3, gap, flatten, fc")]
    [InlineData("layercam", "conv3", "combine=max", "--param combine only applies when --layer names several layers")]
    [InlineData("scorecam", "conv3", "batch-size=0", "batch size must be at least 1")]
    [InlineData("eigencam", "conv3", "batch-size=4", "method 'eigencam' has no setting 'batch-size'")]
    [InlineData("hirescam", "conv3,conv3", "relu=true", "names a layer twice")]
    public void BadCamRequestsFailWithOneLine(string method, string layer, string parameter, string message)
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--input", Fixtures.FmnistInputs,
            "--method", method, "--layer", layer, "--param", parameter, "--out", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));
    }
}
