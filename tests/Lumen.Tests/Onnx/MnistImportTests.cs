using Lumen.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>The real model exported by PyTorch 2.9's exporter (external weights, Shape/Concat/Reshape) against ONNX Runtime.</summary>
public sealed class MnistImportTests
{
    public static string MnistPath => Path.Combine(Fixtures.Root, "onnx", "mnist.onnx");

    [Fact]
    public void ImportedMnistAgreesWithOnnxRuntime()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(MnistPath);
        Assert.Equal(new long[] { 1, 28, 28 }, model.InputShape);
        using var runtime = new OnnxRuntimeSession(MnistPath);
        var generator = new Generator(7);
        Tensor input = torch.rand(new long[] { 5, 1, 28, 28 }, generator: generator);
        Tensor ours = model.Predict(input);
        Tensor reference = runtime.Run(input);
        Assert.Equal(new long[] { 5, 10 }, ours.shape);
        double difference = (ours - reference).abs().max().item<float>();
        Assert.True(difference <= 1e-4, $"max abs logit difference {difference}");
        Assert.True(reference.abs().max().item<float>() > 0.1, "the logits must not be trivially small");
    }

    [Fact]
    public void MnistLayersAreNamedAfterTheNodesAndMapOntoTorchModules()
    {
        using var model = OnnxImporter.Load(MnistPath);
        Assert.Contains("node_conv2d", model.LayerNames);
        Assert.IsType<TorchSharp.Modules.Conv2d>(model.ResolveLayer("node_conv2d"));
        Assert.IsType<TorchSharp.Modules.ReLU>(model.ResolveLayer("node_relu"));
        Assert.Contains(model.LayerNames, name => model.ResolveLayer(name) is TorchSharp.Modules.Linear);
    }
}
