using Lumen.Attributions.Relevance;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Onnx.Graph;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// A constant Mul or Div after a Conv, Gemm or MatMul, and a BatchNorm written as Mul then Add (classic exporters),
/// fold into the weights on import: the graph imports as plain Conv2d / Linear layers and agrees with ONNX Runtime. A
/// product whose output another node also reads keeps its scaling as an element-wise layer.
/// </summary>
public sealed class ScaleFoldingTests
{
    private static List<(string Name, nn.Module Layer)> Layers(ExplainableModel model) =>
        model.LayerNames.Select(name => (name, model.ResolveLayer(name))).Where(l => !l.Item2.children().Any()).ToList();

    private static void AssertAgrees(ExplainableModel model, string path)
    {
        using var scope = torch.NewDisposeScope();
        using var runtime = new OnnxRuntimeSession(path);
        Tensor input = torch.randn(new long[] { 3, 3, 8, 8 }, generator: new Generator(3));
        double difference = (model.Predict(input) - runtime.Run(input)).abs().max().item<float>();
        // float32, weights scaled before instead of after the product: rounding only.
        Assert.True(difference <= 1e-4, $"max abs difference to ONNX Runtime {difference}");
    }

    [Fact]
    public void ScalingsAfterProductsFoldIntoTheirWeights()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(4, 13, 3, 8, 8);
        // BatchNorm as Mul + Add after a bias-less convolution.
        string x = g.Node("Conv", new[] { "input", g.Weight(new long[] { 6, 3, 3, 3 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1));
        x = g.Node("Mul", new[] { x, g.Weight(new long[] { 6, 1, 1 }) });
        x = g.Node("Add", new[] { x, g.Weight(new long[] { 6, 1, 1 }) });
        x = g.Node("Relu", new[] { x });
        // A scalar division after a convolution with a bias.
        x = g.Node("Conv", new[] { x, g.Weight(new long[] { 4, 6, 1, 1 }), g.Weight(new long[] { 4 }) });
        x = g.Node("Div", new[] { x, g.Floats(2.5f) });
        x = g.Node("GlobalAveragePool", new[] { x });
        x = g.Node("Flatten", new[] { x });
        // A per-column scale after a matrix product, and a scalar one (first operand) after a Gemm.
        x = g.Node("MatMul", new[] { x, g.Weight(new long[] { 4, 5 }) });
        x = g.Node("Mul", new[] { x, g.Weight(new long[] { 5 }) });
        x = g.Node("Gemm", new[] { x, g.Weight(new long[] { 3, 5 }), g.Weight(new long[] { 3 }) }, GraphBuilder.Int("transB", 1));
        x = g.Node("Mul", new[] { g.Floats(0.5f), x });
        string path = g.Save(x, temp.File("scaled.onnx"));

        using var model = OnnxImporter.Load(path);
        var layers = Layers(model);
        Assert.Equal(new[] { nameof(Conv2d), nameof(ReLU), nameof(Conv2d), nameof(AdaptiveAvgPool2d), nameof(Flatten), nameof(Linear), nameof(Linear) },
            layers.Select(l => l.Layer.GetType().Name));
        Assert.True(((Conv2d)layers[0].Layer).bias is not null, "the Add after the Mul is the first convolution's bias");
        AssertAgrees(model, path);

        // LRP-ε on the folded network: no element-wise layers left, so the plain convolution/linear rules apply.
        using var input = torch.rand(2, 3, 8, 8);
        using var result = new Lrp(model, Composites.Epsilon()).Explain(input, Target.Class(1));
        Assert.True(result.Attribution.Values.isfinite().all().item<bool>());
    }

    [Fact]
    public void AProductReadTwiceKeepsItsScaling()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(5, 13, 3, 8, 8);
        string conv = g.Node("Conv", new[] { "input", g.Weight(new long[] { 4, 3, 3, 3 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1));
        string scaled = g.Node("Mul", new[] { conv, g.Weight(new long[] { 4, 1, 1 }) });
        string x = g.Node("Add", new[] { scaled, conv });
        x = g.Node("GlobalAveragePool", new[] { x });
        x = g.Node("Flatten", new[] { x });
        string path = g.Save(x, temp.File("shared.onnx"));

        using var model = OnnxImporter.Load(path);
        Assert.Contains(Layers(model), l => l.Layer is ConstantAffineLayer);
        AssertAgrees(model, path);
    }
}
