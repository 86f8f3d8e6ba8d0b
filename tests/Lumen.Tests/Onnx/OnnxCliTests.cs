using Lumen.Imaging;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Onnx;

/// <summary><c>lumen explain --model file.onnx</c> imports the model and runs gradient, CAM and relevance methods on it.</summary>
public sealed class OnnxCliTests
{
    [Fact]
    public void ExplainRunsGradCamGuidedBackpropAndLrpOnTheRealModel()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", MnistImportTests.MnistPath, "--input", Fixtures.FmnistInputs,
            "--method", "guided-backprop,lrp", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        // The digit model sees Fashion-MNIST images: its Grad-CAM maps are negative everywhere, so the raw map is checked.
        result = CliRunner.Run("explain", "--model", MnistImportTests.MnistPath, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam", "--param", "relu=false", "--layer", "node_relu", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string method in new[] { "gradcam", "guided-backprop", "lrp" })
        {
            using var map = NpyFile.Read(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{method}.npy"));
            Assert.Equal(4, map.shape[0]);
            Assert.True(map.abs().sum().item<float>() > 0, $"{method} map is all zeros");
            Assert.True(map.isfinite().all().item<bool>(), $"{method} map has non-finite values");
        }
    }

    [Fact]
    public void LayersListsTheGraphNodes()
    {
        var result = CliRunner.Run("layers", "--model", MnistImportTests.MnistPath);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("node_conv2d", result.Output);
        Assert.Contains("Conv2d", result.Output);
        Assert.Contains("node_linear", result.Output);
    }
}
