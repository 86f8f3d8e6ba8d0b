using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Attributions.Perturbation.Incremental;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Tests.Models.Architectures;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>
/// Incremental occlusion against full batched occlusion: the same maps (max abs difference ≤ 1e-4) on ResNet
/// (basic and bottleneck blocks), AlexNet, the reference CNN and a sequence of every supported layer kind, for
/// windows cut by the border, non-square windows, zero, mean and blur baselines, several images and classes; and the
/// fallback and error on models it cannot compile.
/// </summary>
public sealed class IncrementalOcclusionTests
{
    /// <summary>Both engines compute the same sums in float32; only the summation order inside convolutions differs.</summary>
    private const float Tolerance = 1e-4f;

    /// <summary>
    /// Random weights; the last linear layer is scaled by <paramref name="gain"/> so that the logits, and the map, are
    /// of order 1 (default-initialised deep stacks shrink them, which would make the comparison weak).
    /// </summary>
    private static ExplainableModel Wrap(nn.Module<Tensor, Tensor> module, string name, long channels, long size, int seed, double gain = 1)
    {
        ArchitectureTestSupport.RandomizeWeights(module, seed);
        ArchitectureTestSupport.RandomizeBatchNorms(module, seed + 1);
        using (torch.no_grad())
        {
            var last = module.modules().OfType<TorchSharp.Modules.Linear>().Last();
            last.weight!.mul_(gain);
            last.bias?.mul_(gain);
        }
        return new ExplainableModel(module, name, new[] { channels, size, size });
    }

    /// <summary>Runs both engines and checks that the maps agree and that each reports the engine it used.</summary>
    private static void AssertSameAsFull(ExplainableModel model, Tensor input, Target target, WindowShape window, WindowShape stride,
        Baseline? baseline = null, int batchSize = 64)
    {
        var options = new EvaluationOptions { BatchSize = batchSize };
        var incremental = new Occlusion(model, window, stride, baseline, options, OcclusionEngine.Incremental);
        var full = new Occlusion(model, window, stride, baseline, options, OcclusionEngine.Full);
        using var fast = incremental.Attribute(input, target);
        using var reference = full.Attribute(input, target);
        Assert.Equal("incremental", fast.Settings["engine"]);
        Assert.Equal("full", reference.Settings["engine"]);
        Assert.Equal(reference.Targets, fast.Targets);
        float difference = (fast.Values - reference.Values).abs().max().item<float>();
        float scale = reference.Values.abs().max().item<float>();
        Assert.True(scale > 1e-3f, $"the occlusion map is flat ({scale}); the comparison would prove nothing");
        Assert.True(difference <= Tolerance, $"max abs difference {difference} (map scale {scale})");
    }

    [Fact]
    public void ResNet18MatchesFullOcclusionWithWindowsCutByTheBorder()
    {
        using var model = Wrap(ResNet.ResNet18(numClasses: 10), "resnet18", 3, 64, 11);
        using var input = torch.randn(2, 3, 64, 64, generator: new Generator(1));
        // (64 − 12) / 9 is not whole: the last window starts at 54 and is cut to 10 pixels.
        AssertSameAsFull(model, input, Target.Classes(new[] { 3, 7 }), WindowShape.Square(12), WindowShape.Square(9));
    }

    [Fact]
    public void ResNet18MatchesFullOcclusionWithNonSquareWindowsAndAMeanBaseline()
    {
        using var model = Wrap(ResNet.ResNet18(numClasses: 10), "resnet18", 3, 64, 12);
        using var input = torch.randn(1, 3, 64, 64, generator: new Generator(2));
        AssertSameAsFull(model, input, Target.Class(4), new WindowShape(9, 20), new WindowShape(8, 13), MeanBaseline.Instance, batchSize: 17);
    }

    [Fact]
    public void BottleneckResNetMatchesFullOcclusionWithABlurBaseline()
    {
        using var model = Wrap(new ResNet("resnet-tiny", true, new[] { 1, 1, 1, 1 }, 10), "resnet-tiny", 3, 48, 13);
        using var input = torch.randn(2, 3, 48, 48, generator: new Generator(3));
        AssertSameAsFull(model, input, Target.Predicted, WindowShape.Square(10), WindowShape.Square(6), Baseline.Blurred(2));
    }

    [Fact]
    public void AlexNetMatchesFullOcclusion()
    {
        using var model = Wrap(new AlexNet(numClasses: 10), "alexnet", 3, 67, 14, gain: 1000);
        using var input = torch.randn(1, 3, 67, 67, generator: new Generator(4));
        AssertSameAsFull(model, input, Target.Class(2), WindowShape.Square(16), WindowShape.Square(9));
    }

    [Fact]
    public void ReferenceCnnMatchesFullOcclusionForEveryBaseline()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var target = Target.Classes(Fixtures.ReferenceTargets);
        foreach (var baseline in new[] { Baseline.Zero, MeanBaseline.Instance, Baseline.Blurred(3) })
            AssertSameAsFull(model, inputs, target, WindowShape.Square(5), WindowShape.Square(3), baseline, batchSize: 50);
        AssertSameAsFull(model, inputs, target, new WindowShape(3, 8), new WindowShape(2, 5));
        // One window covering the whole image: every layer changes entirely, so the copies run whole from the first layer.
        AssertSameAsFull(model, inputs, target, WindowShape.Square(28), WindowShape.Square(28));
    }

    [Fact]
    public void EveryLocalLayerKindMatchesFullOcclusion()
    {
        // Strides, dilation, groups, asymmetric kernels, padding of max- and average-pooling (with and without padding in
        // the divisor), 1x1 stride-2 convolutions that skip changed rows, and every element-wise kind.
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(2, 8, (5, 3), stride: (2, 1), padding: (2, 1))),
            ("bn1", nn.BatchNorm2d(8)),
            ("act1", nn.LeakyReLU(0.1)),
            ("pool1", nn.MaxPool2d(3, stride: 2, padding: 1)),
            ("conv2", nn.Conv2d(8, 8, 3, padding: 2, dilation: 2, groups: 4, bias: false)),
            ("act2", nn.ReLU6()),
            ("pool2", nn.AvgPool2d(3, stride: 1, padding: 1, count_include_pad: false)),
            ("conv3", nn.Conv2d(8, 12, 1, stride: 2)),
            ("act3", nn.Tanh()),
            ("pool3", nn.AvgPool2d(2, stride: 1, padding: 1)),
            ("act4", nn.Sigmoid()),
            ("drop", nn.Dropout(0.3)),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(12, 5)));
        using var model = Wrap(module, "layer-kinds", 2, 40, 15, gain: 1000);
        using var input = torch.randn(3, 2, 40, 40, generator: new Generator(5));
        AssertSameAsFull(model, input, Target.Classes(new[] { 0, 1, 4 }), new WindowShape(7, 5), new WindowShape(4, 5), batchSize: 23);
        using var first = input.narrow(0, 0, 1);
        AssertSameAsFull(model, first, Target.Predicted, WindowShape.Square(1), WindowShape.Square(1), MeanBaseline.Instance, batchSize: 512);
    }

    [Fact]
    public void IncrementalOcclusionLeavesNoTensorAliveAcrossImages()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        // Batch size 30 does not divide the 144 windows, so chunks hold copies of two images.
        var occlusion = new Occlusion(model, WindowShape.Square(6), WindowShape.Square(2), Baseline.Blurred(2), new EvaluationOptions { BatchSize = 30 });
        Assert.Equal(OcclusionEngine.Incremental, occlusion.Engine);
        using (occlusion.Attribute(inputs, Target.Predicted))
        {
        }
        long before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (int round = 0; round < 2; round++)
        {
            using (occlusion.Attribute(inputs, Target.Predicted))
            {
            }
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void AutoFallsBackToFullPassesOnAModelItCannotCompileAndIncrementalSaysWhy()
    {
        var module = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, 3, padding: 1)),
            ("custom", new Doubling()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(4, 3)));
        using var model = Wrap(module, "custom-net", 1, 12, 16);
        using var input = torch.randn(1, 1, 12, 12, generator: new Generator(6));
        var auto = new Occlusion(model, WindowShape.Square(4), WindowShape.Square(2));
        Assert.Equal(OcclusionEngine.Full, auto.Engine);
        using var fallback = auto.Attribute(input, Target.Class(1));
        using var full = new Occlusion(model, WindowShape.Square(4), WindowShape.Square(2), engine: OcclusionEngine.Full).Attribute(input, Target.Class(1));
        Assert.Equal("full", fallback.Settings["engine"]);
        Assert.Equal(0f, (fallback.Values - full.Values).abs().max().item<float>());

        var error = Assert.Throws<LumenException>(() => new Occlusion(model, WindowShape.Square(4), WindowShape.Square(2), engine: OcclusionEngine.Incremental));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("'custom' (Doubling)", error.Message);
        Assert.Contains("engine=full", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void MobileNetV2IsNotSupportedAndAutoReportsFullPasses()
    {
        using var model = new ExplainableModel(new MobileNetV2(numClasses: 4), "mobilenet_v2", new long[] { 3, 32, 32 });
        var compilation = IncrementalPlanCompiler.Compile(model);
        Assert.False(compilation.IsSupported);
        Assert.Contains("MobileNetV2", compilation.Unsupported);
        Assert.Equal(OcclusionEngine.Full, new Occlusion(model, WindowShape.Square(8), WindowShape.Square(8)).Engine);
        Assert.Contains("mobilenet_v2", Assert.Throws<LumenException>(() =>
            new Occlusion(model, WindowShape.Square(8), WindowShape.Square(8), engine: OcclusionEngine.Incremental)).Message);
    }

    [Fact]
    public void TheCommandLineSettingChoosesTheEngine()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var descriptor = MethodCatalog.Find("occlusion");
        Assert.Contains(descriptor.Settings, s => s.Name == "engine" && s.Default == "auto");
        foreach (var (text, expected) in new[] { ("auto", "incremental"), ("incremental", "incremental"), ("full", "full") })
        {
            var method = descriptor.Build(model, new MethodOptions(parameters: new Dictionary<string, string> { ["engine"] = text }));
            Assert.Equal(expected, method.Settings["engine"]);
        }
        Assert.Equal("incremental", descriptor.Build(model, new MethodOptions()).Settings["engine"]);
        Assert.Throws<LumenException>(() => descriptor.Build(model, new MethodOptions(parameters: new Dictionary<string, string> { ["engine"] = "fast" })));
    }

    [Fact]
    public void RegionArithmeticFollowsTheConeOfAWindow()
    {
        var conv = new AxisWindow(Kernel: 3, Stride: 2, Padding: 1, Dilation: 1);
        Assert.Equal(28, conv.OutputSize(56));
        // Input rows 10..15 reach outputs ⌈(10 + 1 − 2) / 2⌉ = 5 to ⌊(15 + 1) / 2⌋ = 8.
        Assert.Equal(new Interval(5, 9), conv.Changed(new Interval(10, 16), 28));
        Assert.Equal(new Interval(0, 1), conv.Changed(new Interval(0, 1), 28));
        Assert.Equal(new Interval(9, 18), conv.Needed(new Interval(5, 9)));
        var skip = new AxisWindow(1, 2, 0, 1);
        Assert.True(skip.Changed(new Interval(3, 4), 8).IsEmpty);
        var dilated = new AxisWindow(3, 1, 2, 2);
        Assert.Equal(new Interval(8, 15), dilated.Changed(new Interval(10, 13), 20));
        Assert.Equal(new Interval(6, 17), dilated.Needed(new Interval(8, 15)));
    }

    [Fact]
    public void ResNet18PlanAtFullSizeSwitchesToWholeMapsInLayer3AndHalvesTheWork()
    {
        using var model = new ExplainableModel(ResNet.ResNet18(), "resnet18", new long[] { 3, 224, 224 });
        var plan = IncrementalPlanCompiler.Compile(model).Plan!;
        var starts = Occlusion.Starts(224, 16, 8);
        var windows = starts.SelectMany(r => starts.Select(c => (r, c, 16, 16))).ToArray();
        var schedule = new OcclusionSchedule(plan, 224, 224, windows);
        Assert.Equal(729, schedule.Positions);
        // Window 16 at 224: layer3's second block is entirely changed at 14x14, so layer3.1.conv2 and layer4 run whole.
        Assert.Equal("layer3.1.conv2", plan.Nodes[schedule.Switch].Name);
        Assert.InRange(schedule.FullMultiplyAccumulates, 1.80e9, 1.83e9);
        double ratio = schedule.FullMultiplyAccumulates / (double)schedule.IncrementalMultiplyAccumulates;
        Assert.InRange(ratio, 2.0, 2.5);
    }

    /// <summary>A module the plan compiler does not know.</summary>
    private sealed class Doubling : nn.Module<Tensor, Tensor>
    {
        public Doubling() : base(nameof(Doubling))
        {
        }

        public override Tensor forward(Tensor x) => x * 2;
    }
}
