using Google.Protobuf;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Attributions.Perturbation.Incremental;
using Lumen.Attributions.Relevance;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Onnx;
using Lumen.Onnx.Proto;
using Lumen.Tests.Cli;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Asymmetric pads, auto_pad SAME_UPPER and Pad nodes (fixtures/onnx/real/stem_pads.onnx) import as a
/// <see cref="Pad2d"/> layer in front of standard Conv2d, MaxPool2d and AvgPool2d layers: the logits of ONNX Runtime,
/// PyTorch's input gradients, LRP with conservation, guided backprop, deconvnet and incremental occlusion.
/// </summary>
public sealed class PaddingImportTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public PaddingImportTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    private static Tensor Input() => NpyFile.Read(RealFixtures.Path("stem_pads_input.npy"));

    [Fact]
    public void PaddingsBecomePaddingLayersInFrontOfStandardLayers()
    {
        using var model = OnnxImporter.Load(RealFixtures.StemPads);
        Assert.IsType<Pad2d>(model.ResolveLayer("conv1_Conv.pad"));
        Assert.IsType<Conv2d>(model.ResolveLayer("conv1_Conv.conv"));
        Assert.IsType<Pad2d>(model.ResolveLayer("maxpool_MaxPool.pad"));
        Assert.IsType<MaxPool2d>(model.ResolveLayer("maxpool_MaxPool.pool"));
        Assert.IsType<Conv2d>(model.ResolveLayer("conv2_Conv.conv"));
        Assert.IsType<Pad2d>(model.ResolveLayer("/pad/Pad"));
        Assert.IsType<Conv2d>(model.ResolveLayer("/conv3/Conv"));
        Assert.IsType<AvgPool2d>(model.ResolveLayer("avgpool_AveragePool.pool"));
        var pad = (Pad2d)model.ResolveLayer("conv1_Conv.pad");
        Assert.Equal((3L, 2L, 3L, 2L), (pad.Top, pad.Bottom, pad.Left, pad.Right));
    }

    [Fact]
    public void LogitsMatchOnnxRuntimeAndInputGradientsMatchPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.StemPads);
        using var runtime = new OnnxRuntimeSession(RealFixtures.StemPads);
        Tensor input = Input();
        Tensor logits = model.Predict(input);
        Tensor expected = runtime.Run(input);
        double scale = expected.abs().max().item<float>();
        Assert.True((logits - expected).abs().max().item<float>() <= 1e-5 * scale, $"logits differ from ONNX Runtime's by {(logits - expected).abs().max().item<float>()}");
        Tensor pytorch = NpyFile.Read(RealFixtures.Path("stem_pads_logits.npy"));
        Assert.True((pytorch - expected).abs().max().item<float>() <= 1e-5 * scale, "the PyTorch reference disagrees with ONNX Runtime");

        output.WriteLine($"logits vs ONNX Runtime: {(logits - expected).abs().max().item<float>() / scale:E2} relative; PyTorch vs ONNX Runtime {(pytorch - expected).abs().max().item<float>() / scale:E2}");
        Tensor x = input.clone().requires_grad_(true);
        model.Forward(x)[.., 2].sum().backward();
        Tensor reference = NpyFile.Read(RealFixtures.Path("stem_pads_gradient_class2.npy"));
        double gradientScale = reference.abs().max().item<float>();
        double difference = (x.grad! - reference).abs().max().item<float>();
        output.WriteLine($"input gradients vs PyTorch: {difference / gradientScale:E2} of the largest");
        Assert.True(gradientScale > 1e-4 && difference <= 1e-5 * gradientScale, $"input gradients differ by {difference} (largest {gradientScale})");
    }

    [Fact]
    public void LrpWithTheEpsilonRuleConservesTheLogitWhenBiasesAreZero()
    {
        using var folder = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RealFixtures.StemPads));
        // Zero biases and BatchNorm means: the merged convolution has no bias, so nothing absorbs relevance.
        foreach (var weights in proto.Graph.Initializer.Where(i => i.Name.EndsWith(".bias", StringComparison.Ordinal) || i.Name == "bn.mean"))
        {
            int count = (int)weights.Dims.Aggregate(1L, (a, b) => a * b);
            weights.RawData = ByteString.CopyFrom(new byte[count * sizeof(float)]);
        }
        string path = folder.File("unbiased.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(path);
        Tensor input = Input();
        using var result = new Lrp(model, Composites.Epsilon(1e-9)).Explain(input, Target.Predicted);
        Tensor logits = model.Predict(input);
        for (int n = 0; n < 2; n++)
        {
            double logit = logits[n, result.Attribution.Targets[n]].item<float>();
            double relevance = result.Attribution.Values[n].sum().item<float>();
            output.WriteLine($"image {n}: logit {logit:G6}, input relevance {relevance:G6}, relative error {Math.Abs(relevance - logit) / Math.Abs(logit):E2}");
            Assert.True(Math.Abs(relevance - logit) <= 1e-4 * Math.Abs(logit), $"image {n}: input relevance {relevance}, logit {logit}");
        }

        // The default composite (epsilon-plus-flat, BatchNorm merged) runs on the model with its biases.
        using var original = OnnxImporter.Load(RealFixtures.StemPads);
        using var flat = new Lrp(original).Explain(input, Target.Class(2));
        Assert.Equal(-1, flat.Attribution.FirstNonFiniteImage());
        Assert.True(flat.Attribution.Values.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void SameLowerValidAndExcludedPaddingAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(4, 11, 3, 12, 12);
        string x = g.Node("Conv", new[] { "input", g.Weight(new long[] { 6, 3, 4, 4 }), g.Weight(new long[] { 6 }) },
            GraphBuilder.Text("auto_pad", "SAME_LOWER"), GraphBuilder.Ints("strides", 2, 2));
        x = g.Node("Relu", new[] { x });
        x = g.Node("MaxPool", new[] { x }, GraphBuilder.Ints("kernel_shape", 2, 2), GraphBuilder.Text("auto_pad", "SAME_LOWER"));
        x = g.Node("AveragePool", new[] { x }, GraphBuilder.Ints("kernel_shape", 3, 3), GraphBuilder.Ints("pads", 2, 0, 0, 1));
        x = g.Node("AveragePool", new[] { x }, GraphBuilder.Ints("kernel_shape", 2, 2), GraphBuilder.Text("auto_pad", "SAME_UPPER"),
            GraphBuilder.Ints("strides", 2, 2), GraphBuilder.Int("count_include_pad", 1));
        x = g.Node("Conv", new[] { x, g.Weight(new long[] { 4, 6, 2, 2 }) }, GraphBuilder.Text("auto_pad", "VALID"));
        x = g.Node("GlobalAveragePool", new[] { x });
        x = g.Node("Flatten", new[] { x });
        string path = g.Save(x, temp.File("same_lower.onnx"));
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(path);
        using var runtime = new OnnxRuntimeSession(path);
        Tensor input = torch.randn(new long[] { 2, 3, 12, 12 }, generator: new Generator(3));
        Tensor expected = runtime.Run(input);
        double scale = expected.abs().max().item<float>();
        double difference = (model.Predict(input) - expected).abs().max().item<float>();
        output.WriteLine($"SAME_LOWER / excluded-count graph vs ONNX Runtime: {difference / scale:E2} relative");
        Assert.True(difference <= 1e-5 * scale, $"differs from ONNX Runtime by {difference} (largest {scale})");
        Assert.IsType<Pad2d>(model.ResolveLayer(model.LayerNames.First(name => name.EndsWith(".pad", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData(ReluBackwardRule.Guided)]
    [InlineData(ReluBackwardRule.Deconvnet)]
    public void ModifiedReluBackpropRunsThroughThePaddingLayers(ReluBackwardRule rule)
    {
        using var model = OnnxImporter.Load(RealFixtures.StemPads);
        using var input = Input();
        using var map = new ModifiedReluBackprop(model, rule).Attribute(input, Target.Class(2));
        Assert.Equal(-1, map.FirstNonFiniteImage());
        Assert.True(map.Values.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void OcclusionRunsIncrementallyWithTheResultsOfFullPasses()
    {
        using var model = OnnxImporter.Load(RealFixtures.StemPads);
        var compilation = IncrementalPlanCompiler.Compile(model);
        Assert.True(compilation.IsSupported, compilation.Unsupported);
        Assert.Contains(compilation.Plan!.Nodes, node => node is SlidingWindowNode { IsAsymmetric: true });
        using var input = Input();
        foreach (var (window, stride) in new[] { (5, 3), (8, 8) })
        {
            var options = new EvaluationOptions { BatchSize = 16 };
            using var fast = new Occlusion(model, WindowShape.Square(window), WindowShape.Square(stride), options: options, engine: OcclusionEngine.Incremental).Attribute(input, Target.Class(2));
            using var full = new Occlusion(model, WindowShape.Square(window), WindowShape.Square(stride), options: options, engine: OcclusionEngine.Full).Attribute(input, Target.Class(2));
            Assert.Equal("incremental", fast.Settings["engine"]);
            float scale = full.Values.abs().max().item<float>();
            float difference = (fast.Values - full.Values).abs().max().item<float>();
            output.WriteLine($"window {window}, stride {stride}: incremental vs full max abs difference {difference:E2} (map scale {scale:G4})");
            Assert.True(scale > 1e-4f, "the occlusion map is flat");
            Assert.True(difference <= 1e-5f * Math.Max(1, scale), $"window {window}: max abs difference {difference} (map scale {scale})");
        }
    }

    [Fact]
    public void ExplainRunsLrpAndIncrementalOcclusionFromTheCommandLine()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "--model", RealFixtures.StemPads, "--input", RealFixtures.Path("stem_pads_input.npy"),
            "--method", "lrp,guided-backprop,deconvnet", "--target", "2", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        result = CliRunner.Run("explain", "--model", RealFixtures.StemPads, "--input", RealFixtures.Path("stem_pads_input.npy"),
            "--method", "occlusion", "--param", "engine=incremental", "--param", "window=6", "--target", "2", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
