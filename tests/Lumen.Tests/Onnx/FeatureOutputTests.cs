using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// A graph whose output is not [N, K] (fixtures/onnx/real/features.onnx, a feature extractor giving [N, 16, 1, 1]):
/// trailing sizes of 1 are flattened, and any of the 16 outputs can be the target.
/// </summary>
public sealed class FeatureOutputTests
{
    [Fact]
    public void TheOutputIsReadAsScoresOnTheModuleAndOnOnnxRuntime()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.Features);
        using var blackBox = OnnxBlackBox.Load(RealFixtures.Features);
        using var runtime = new OnnxRuntimeSession(RealFixtures.Features);
        Tensor input = torch.rand(new long[] { 3, 3, 16, 16 }, generator: new Generator(8));
        Tensor raw = runtime.Run(input);
        Assert.Equal(new long[] { 3, 16, 1, 1 }, raw.shape);
        Tensor ours = model.Predict(input);
        Assert.Equal(new long[] { 3, 16 }, ours.shape);
        Assert.True((ours - raw.flatten(1)).abs().max().item<float>() <= 1e-5 * raw.abs().max().item<float>());
        Assert.True((blackBox.Predict(input) - raw.flatten(1)).abs().max().item<float>() == 0);
        Assert.Equal(16, model.ClassCount);
        Assert.Equal("output [N, 16, 1, 1] read as 16 scores", model.OutputReading);

        // Saliency of output 5 is the gradient of that feature.
        using var map = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(5));
        Tensor x = input.clone().requires_grad_(true);
        model.Forward(x)[.., 5].sum().backward();
        Assert.True((map.Values - x.grad!).abs().max().item<float>() <= 1e-6);
        Assert.True(map.Values.abs().max().item<float>() > 0);
    }

    [Fact]
    public void ExplainTakesAnOutputIndexAsTargetAndLayersSaysHowTheOutputIsRead()
    {
        using var folder = new TempDirectory();
        string input = folder.File("x.npy");
        using (var images = torch.rand(new long[] { 2, 3, 16, 16 }, generator: new Generator(9))) NpyFile.Write(input, images);
        var result = CliRunner.Run("explain", "--model", RealFixtures.Features, "--input", input, "--method", "saliency,gradcam",
            "--layer", "/relu/Relu", "--target", "11", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        var layers = CliRunner.Run("layers", "--model", RealFixtures.Features);
        Assert.True(layers.ExitCode == 0, layers.Error);
        Assert.Contains("output [N, 16, 1, 1] read as 16 scores", layers.Output);
        result = CliRunner.Run("explain", "--model", RealFixtures.Features, "--input", input, "--method", "saliency", "--target", "16", "--out", folder.File("out2"));
        Assert.Equal(2, result.ExitCode);
    }
}
