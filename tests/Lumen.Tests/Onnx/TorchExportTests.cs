using Lumen.Imaging;
using Lumen.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Files written by PyTorch 1.13's own exporter (fixtures/onnx/torch113, a scaled-down ConvNeXt stage: layer norms
/// decomposed at opset 13 and LayerNormalization at opset 17, exact GELU, depthwise convolution, permutes, layer
/// scale), checked against the outputs and input gradients PyTorch computed for the same input.
/// </summary>
public sealed class TorchExportTests
{
    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", "torch113", name);

    [Theory]
    [InlineData("convnext_block_op13.onnx")]
    [InlineData("convnext_block_op17.onnx")]
    public void LogitsAndInputGradientsMatchPyTorch(string file)
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(Fixture(file));
        Tensor input = NpyFile.Read(Fixture("input.npy"));
        Tensor expected = NpyFile.Read(Fixture("output.npy"));
        Tensor expectedGradient = NpyFile.Read(Fixture("input_gradient_class3.npy"));

        Tensor logits = model.Predict(input);
        // float32 through about 30 operations, logits of size 1: 1e-5 absolute.
        Assert.True((logits - expected).abs().max().item<float>() <= 1e-5, $"logits differ by {(logits - expected).abs().max().item<float>()}");

        Tensor x = input.clone().requires_grad_(true);
        model.Forward(x)[.., 3].sum().backward();
        double scale = expectedGradient.abs().max().item<float>();
        double difference = (x.grad! - expectedGradient).abs().max().item<float>();
        Assert.True(scale > 1e-4, "the reference gradient must not vanish");
        Assert.True(difference <= 1e-4 * scale, $"input gradients differ by {difference} (largest {scale})");
    }
}
