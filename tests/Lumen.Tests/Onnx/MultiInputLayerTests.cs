using Lumen.Attributions.Cam;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Onnx.Graph;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Imported nodes that join several maps are layers: a Concat of three or more (Inception's and a dense block's
/// output) can be captured and explained, and Ablation-CAM replaces the output of a two-input layer (a gated product,
/// a residual sum) as it does that of a one-input layer.
/// </summary>
public sealed class MultiInputLayerTests
{
    private static string Branches(TempDirectory folder, string join)
    {
        var g = new GraphBuilder(21, 13, 3, 12, 12);
        string stem = g.Node("Relu", new[] { g.Node("Conv", new[] { "input", g.Weight(new long[] { 6, 3, 3, 3 }), g.Weight(new long[] { 6 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1)) });
        string[] branches = Enumerable.Range(0, 3).Select(_ => g.Node("Relu", new[] { g.Node("Conv", new[] { stem, g.Weight(new long[] { 4, 6, 1, 1 }), g.Weight(new long[] { 4 }) }) })).ToArray();
        string joined = g.Node("Concat", branches, GraphBuilder.Int("axis", 1));
        // The same square as a product of two maps (a two-input layer) or as a power (a one-input layer).
        string squared = join == "Mul" ? g.Node("Mul", new[] { joined, joined }) : g.Node("Pow", new[] { joined, g.Floats(2f) });
        string x = g.Node("Relu", new[] { g.Node("Conv", new[] { squared, g.Weight(new long[] { 8, 12, 3, 3 }), g.Weight(new long[] { 8 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1)) });
        x = g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) });
        x = g.Node("Gemm", new[] { x, g.Weight(new long[] { 5, 8 }), g.Weight(new long[] { 5 }) }, GraphBuilder.Int("transB", 1));
        return g.Save(x, folder.File($"branches_{join}.onnx"));
    }

    private static Tensor Images() => torch.rand(new long[] { 2, 3, 12, 12 }, generator: new Generator(4));

    [Fact]
    public void AConcatOfThreeMapsIsALayerHoldingTheJoinedMaps()
    {
        using var folder = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(Branches(folder, "Mul"));
        string concat = model.LayerNames.Single(name => name.StartsWith("concat_", StringComparison.Ordinal));
        Assert.IsType<NodeLayer>(model.ResolveLayer(concat));
        var relus = model.LayerNames.Where(name => name.StartsWith("relu_", StringComparison.Ordinal)).ToArray();
        using var capture = model.Capture(relus.Skip(1).Take(3).Append(concat).ToArray());
        using (torch.no_grad()) model.Forward(Images());
        Tensor expected = torch.cat(relus.Skip(1).Take(3).Select(name => capture[name]).ToArray(), 1);
        Assert.Equal(0f, (expected - capture[concat]).abs().max().item<float>());
    }

    [Fact]
    public void AblationCamOnATwoInputLayerEqualsItOnTheSameOneInputLayer()
    {
        using var folder = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var product = OnnxImporter.Load(Branches(folder, "Mul"));
        using var power = OnnxImporter.Load(Branches(folder, "Pow"));
        string mul = product.LayerNames.Single(name => name.StartsWith("mul_", StringComparison.Ordinal));
        string pow = power.LayerNames.Single(name => name.StartsWith("pow_", StringComparison.Ordinal));
        Assert.IsType<PairLayer>(product.ResolveLayer(mul));
        Assert.IsType<NodeLayer>(power.ResolveLayer(pow));
        Tensor input = Images();
        using var twoInputs = new AblationCam(product, mul).Attribute(input, Target.Class(1));
        using var oneInput = new AblationCam(power, pow).Attribute(input, Target.Class(1));
        double scale = oneInput.Values.abs().max().item<float>();
        double difference = (twoInputs.Values - oneInput.Values).abs().max().item<float>();
        // x * x and x ^ 2 round alike in float32; the rest of the two graphs is the same: 1e-6 of the map's largest value.
        Assert.True(scale > 0, "the Ablation-CAM map is all zeros");
        Assert.True(difference <= 1e-6 * scale, $"Ablation-CAM differs by {difference} (largest {scale})");
    }
}
