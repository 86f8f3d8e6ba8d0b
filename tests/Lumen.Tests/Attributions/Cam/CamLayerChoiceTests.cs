using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions.Cam;

/// <summary>A CAM method without --layer uses the last layer whose output is a map of at least 2x2 (torch-cam's choice).</summary>
public sealed class CamLayerChoiceTests
{
    [Fact]
    public void TheReferenceCnnGetsRelu3AndTheChoiceIsRecorded()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        Assert.Equal("relu3", CamLayerChoice.LastSpatialLayer(model));
        var method = MethodCatalog.Find("gradcam").Build(model, new MethodOptions());
        using var attribution = method.Attribute(inputs, Target.Predicted);
        Assert.Equal("relu3", attribution.Layer);
        Assert.Equal("relu3", attribution.Settings["layer"]);
        Assert.Equal("automatic", attribution.Settings["layer-choice"]);
        using var named = new GradCam(model, "relu3").Attribute(inputs, Target.Predicted);
        Assert.Equal(named.Values.data<float>().ToArray(), attribution.Values.data<float>().ToArray());
        Assert.False(named.Settings.ContainsKey("layer-choice"));
    }

    [Fact]
    public void ResNet18GetsItsLastBlockAsTorchCamDoes()
    {
        torch.manual_seed(0);
        using var model = new ExplainableModel(ResNet.ResNet18(10), "resnet18", new long[] { 3, 64, 64 });
        // layer4 finishes after the layers inside it and is the last output larger than 1x1 (2x2 here) before avgpool.
        Assert.Equal("layer4", CamLayerChoice.LastSpatialLayer(model));
        using var input = torch.randn(1, 3, 64, 64);
        using var attribution = MethodCatalog.Find("layercam").Build(model, new MethodOptions()).Attribute(input, Target.Predicted);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, attribution.Values.shape);
    }

    [Fact]
    public void AnExportedConvNeXtGetsItsLastStageNotTheChannelsLastHead()
    {
        // The exported head permutes the pooled features to [N, 1, 1, C] for its LayerNorm: larger than 1x1 in one
        // direction, but not a map. The last stage's residual sum [N, 32, 8, 8] is the last spatial layer.
        string file = Path.Combine(Fixtures.Root, "onnx", "modern", "convnext_tiny_op17.onnx");
        using var model = Lumen.Onnx.OnnxImporter.Load(file);
        string layer = CamLayerChoice.LastSpatialLayer(model);
        using var input = torch.rand(1, 3, 64, 64);
        using var attribution = new GradCam(model, layer).Attribute(input, Target.Predicted);
        Assert.Equal(new long[] { 1, 1, 8, 8 }, attribution.Values.shape);
        Assert.Contains("Add", layer, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelWithoutASpatialLayerIsAUsageError()
    {
        using var model = new ExplainableModel(torch.nn.Sequential(
            ("flatten", torch.nn.Flatten()),
            ("fc", torch.nn.Linear(16, 3))), "linear", new long[] { 1, 4, 4 });
        var error = Assert.Throws<LumenException>(() => MethodCatalog.Find("gradcam").Build(model, new MethodOptions()));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("--layer", error.Message);
    }
}
