using Lumen.Onnx;
using Lumen.Onnx.Graph;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Lumen.Tests.Onnx;

/// <summary>
/// The subgraphs PyTorch 1.13 writes at opset 13 for LayerNorm, GELU and Hardswish import as one layer each, with the
/// same names and module types as the opset-17 files (fixtures/onnx/modern); squeeze-and-excitation and SiLU products
/// import as gates, concatenations and transpositions as layers that only move values.
/// </summary>
public sealed class PatternFusionTests
{
    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", "modern", name);

    private static List<(string Name, string Type)> Layers(string file)
    {
        using var model = OnnxImporter.Load(Fixture(file));
        return model.LayerNames.Select(name => (name, model.ResolveLayer(name).GetType().Name)).ToList();
    }

    [Theory]
    [InlineData("convnext_tiny")]
    [InlineData("mobilenet_v3_small")]
    public void TheOpset13SubgraphsImportAsTheOpset17Layers(string network)
    {
        var op13 = Layers($"{network}_op13.onnx");
        var op17 = Layers($"{network}_op17.onnx");
        Assert.Equal(op17, op13);
    }

    [Fact]
    public void ConvNeXtHasLayerNormGeluAndLayerScaleLayers()
    {
        var layers = Layers("convnext_tiny_op13.onnx");
        Assert.Equal(7, layers.Count(l => l.Type == nameof(LayerNorm)));
        Assert.Equal(4, layers.Count(l => l.Type == nameof(GELU)));
        Assert.Contains(layers, l => l.Name == "features_features_1_features_1_0_block_block_2_LayerNormalization");
        Assert.Contains(layers, l => l.Name == "features_features_1_features_1_0_block_block_4_Gelu");
        Assert.Contains(layers, l => l.Name == "features_features_1_features_1_0_Mul" && l.Type == nameof(ConstantAffineLayer));
        Assert.DoesNotContain(layers, l => l.Type == nameof(NodeLayer) || l.Type == nameof(PairLayer));
    }

    [Fact]
    public void AFusedLayerNamesTheNodesItReplaces()
    {
        using var model = OnnxImporter.Load(Fixture("convnext_tiny_op13.onnx"));
        var graph = (OnnxGraphModule)model.Module;
        Assert.Equal("/features/features.1/features.1.0/block/block.2/ReduceMean … /features/features.1/features.1.0/block/block.2/Add_1 (fused) -> /features/features.1/features.1.0/block/block.2/Add_1_output_0",
            graph.SourceName("features_features_1_features_1_0_block_block_2_LayerNormalization"));
        // The fused node's name and its output select the layer as --layer does.
        Assert.Equal("features_features_1_features_1_0_block_block_4_Gelu", graph.LayerAliases["/features/features.1/features.1.0/block/block.4/Mul_1_output_0"]);
    }

    [Fact]
    public void GatesAreRecognised()
    {
        var efficientnet = Layers("efficientnet_b0_op17.onnx");
        // 21 SiLU products x·σ(x) and 8 squeeze-and-excitation scales.
        Assert.Equal(29, efficientnet.Count(l => l.Type == nameof(GateLayer)));
        var mobilenet = Layers("mobilenet_v3_small_op17.onnx");
        Assert.Equal(9, mobilenet.Count(l => l.Type == nameof(GateLayer)));
        Assert.Equal(9, mobilenet.Count(l => l.Type == nameof(Hardsigmoid)));
    }

    [Fact]
    public void GoogLeNetsInputTransformIsRoutingAndAffineLayers()
    {
        var layers = Layers("googlenet_op13.onnx");
        Assert.Equal(3, layers.Count(l => l.Name.StartsWith("Gather", StringComparison.Ordinal) && l.Type == nameof(ShapeLayer)));
        Assert.Equal(6, layers.Count(l => l.Type == nameof(ConstantAffineLayer)));
        Assert.DoesNotContain(layers, l => l.Type == nameof(NodeLayer) || l.Type == nameof(PairLayer));
    }
}
