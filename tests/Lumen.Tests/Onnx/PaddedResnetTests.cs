using Lumen.Attributions.Perturbation;
using Lumen.Attributions.Perturbation.Incremental;
using Lumen.Models;
using Lumen.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// A ResNet-18-like graph with TensorFlow-style padding (fixtures/onnx/real/padded_resnet.onnx, make_padded_resnet.py:
/// asymmetric stem pads, SAME_UPPER max-pooling and stride-2 convolutions padded only at the bottom and right, residual
/// Adds), the graph the incremental-occlusion benchmark runs at full size: it imports, equals ONNX Runtime, and its
/// incremental occlusion equals occlusion by full passes.
/// </summary>
public sealed class PaddedResnetTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public PaddedResnetTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    private static Tensor Images() => torch.rand(new long[] { 2, 3, 64, 64 }, generator: new Generator(11));

    [Fact]
    public void LogitsMatchOnnxRuntime()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.PaddedResnet);
        using var runtime = new OnnxRuntimeSession(RealFixtures.PaddedResnet);
        Tensor input = Images();
        Tensor expected = runtime.Run(input);
        double scale = expected.abs().max().item<float>();
        double difference = (model.Predict(input) - expected).abs().max().item<float>();
        output.WriteLine($"logits vs ONNX Runtime: {difference / scale:E2} of the largest ({scale:G4})");
        // float32 through 21 convolutions: 1e-5 of the largest logit (ONNX Runtime and libtorch sum in different orders).
        Assert.True(difference <= 1e-5 * scale, $"logits differ from ONNX Runtime's by {difference} (largest {scale})");
    }

    [Theory]
    [InlineData(8, 4)]
    [InlineData(12, 5)]
    public void IncrementalOcclusionEqualsFullPasses(int window, int stride)
    {
        using var model = OnnxImporter.Load(RealFixtures.PaddedResnet);
        var compilation = IncrementalPlanCompiler.Compile(model);
        Assert.True(compilation.IsSupported, compilation.Unsupported);
        Assert.Contains(compilation.Plan!.Nodes, node => node is SlidingWindowNode { IsAsymmetric: true });
        Assert.Contains(compilation.Plan!.Nodes, node => node is SumNode);
        using var input = Images();
        var options = new EvaluationOptions { BatchSize = 32 };
        using var fast = new Occlusion(model, WindowShape.Square(window), WindowShape.Square(stride), options: options, engine: OcclusionEngine.Incremental).Attribute(input, Target.Class(4));
        using var full = new Occlusion(model, WindowShape.Square(window), WindowShape.Square(stride), options: options, engine: OcclusionEngine.Full).Attribute(input, Target.Class(4));
        Assert.Equal("incremental", fast.Settings["engine"]);
        Assert.Equal("full", full.Settings["engine"]);
        float scale = full.Values.abs().max().item<float>();
        float difference = (fast.Values - full.Values).abs().max().item<float>();
        output.WriteLine($"window {window}, stride {stride}: incremental vs full max abs difference {difference:E2} (map scale {scale:G4})");
        // The incremental engine recomputes each window's cone of influence in float32 with other tensor shapes than the
        // full pass (so other kernels and summation orders): equal within 1e-5 of the map's largest value.
        Assert.True(scale > 1e-4f, "the occlusion map is flat");
        Assert.True(difference <= 1e-5f * scale, $"window {window}: max abs difference {difference} (map scale {scale})");
    }
}
