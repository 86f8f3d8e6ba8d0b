using Lumen.Attributions.DeepLift;
using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Onnx;
using Lumen.Tests.Models;
using Lumen.Tests.Models.Architectures;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.DeepLift;

/// <summary>
/// DeepLift (rescale rule) and DeepLift SHAP against the corrected Captum references (tolerance
/// <see cref="ReferenceComparison.RelativeTolerance"/>; float64 differs from them by 2.3e-7), their exact completeness on
/// the reference CNN and on a second model with other non-linearities, and the layers they refuse.
/// </summary>
public sealed class DeepLiftTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public DeepLiftTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(64)]
    [InlineData(2)]
    public void MatchesTheCorrectedCaptumReference(int internalBatchSize)
    {
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(model, internalBatchSize: internalBatchSize).Attribute(inputs, target);
        using var expected = NpyFile.Read(ExtendedReference.Attribution("deeplift_rescale_corrected"));
        output.WriteLine("deeplift vs deeplift_rescale_corrected: " + ReferenceComparison.Describe(expected, attribution.Values));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), attribution.Targets);
        AssertComplete(attribution.Extras["delta"], attribution.TargetScores, "deeplift");
    }

    /// <summary>Captum 0.7.0 multiplies a stale gradient where a ReLU feeds a max-pool (README of the fixtures); Lumen does not.</summary>
    [Fact]
    public void DiffersFromCaptumsNonConservativeOutputAsTheFixturesDescribe()
    {
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(model).Attribute(inputs, target);
        using var captum = NpyFile.Read(ExtendedReference.Attribution("captum_deeplift"));
        using var captumDelta = NpyFile.Read(ExtendedReference.Attribution("captum_deeplift__delta"));
        double l2 = (attribution.Values - captum).norm().item<float>() / captum.norm().item<float>();
        output.WriteLine($"relative L2 to captum_deeplift {l2:E2}; captum's deltas {string.Join(", ", captumDelta.data<float>().ToArray())}");
        Assert.InRange(l2, 0.1, 0.4);
        Assert.True(captumDelta.abs().max().item<float>() > 0.1f);
    }

    [Fact]
    public void DeepLiftShapMatchesTheCorrectedCaptumReference()
    {
        using var method = DeepLiftShap.FromFile(model, ExtendedReference.DeepLiftShapBaselines);
        using var attribution = method.Attribute(inputs, target);
        using var expected = NpyFile.Read(ExtendedReference.Attribution("deeplift_shap_rescale_corrected"));
        output.WriteLine("deeplift-shap vs deeplift_shap_rescale_corrected: " + ReferenceComparison.Describe(expected, attribution.Values));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
        AssertComplete(attribution.Extras["delta"], attribution.TargetScores, "deeplift-shap");
        Assert.Equal("8", attribution.Settings["baselines"].Split('(')[1].TrimEnd(')'));
    }

    [Fact]
    public void DeepLiftShapWithOneReferenceIsDeepLift()
    {
        using var references = torch.full(1, 1, 28, 28, 0.25f);
        using var shap = new DeepLiftShap(model, references).Attribute(inputs, target);
        using var single = new Lumen.Attributions.DeepLift.DeepLift(model, Baseline.Constant(0.25)).Attribute(inputs, target);
        LinearModelTests.AssertClose(single.Values, shap.Values, 1e-6f);
    }

    /// <summary>
    /// A second model: batch norm, ELU, tanh, sigmoid, GELU, average and overlapping padded max pooling, random inputs
    /// and references. Σ r = f(x) − f(x′) to float32 rounding (1e-4 of the score change).
    /// </summary>
    [Fact]
    public void CompletenessIsExactOnAModelWithOtherNonLinearities()
    {
        using var other = MixedModel();
        torch.manual_seed(11);
        using var x = torch.randn(3, 2, 12, 12) * 2;
        using var reference = torch.randn(2, 12, 12) * 0.5;
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(other, Baseline.Custom(reference)).Attribute(x, Target.Predicted);
        using var referenceLogits = other.Predict(reference.unsqueeze(0).expand(3, -1, -1, -1).contiguous());
        for (int n = 0; n < 3; n++)
        {
            double change = attribution.TargetScores[n] - referenceLogits[n, attribution.Targets[n]].item<float>();
            double sum = attribution.Values[n].to_type(ScalarType.Float64).sum().item<double>();
            output.WriteLine($"image {n}: sum {sum:F6}, f(x) - f(x') {change:F6}, delta {attribution.Extras["delta"][n]:E2}");
            Assert.True(Math.Abs(sum - change) <= 1e-4 * Math.Max(1, Math.Abs(change)), $"image {n}: sum {sum} vs {change}");
            Assert.Equal(sum - change, attribution.Extras["delta"][n], 5);
        }
        // The rescale rule is not the gradient: gradient × (x − x') is far from complete on this model.
        using var gradient = InputGradient.Compute(other, x, Target.Predicted).Gradient;
        using var gradientSums = (gradient * (x - reference)).flatten(1).sum(1);
        using var sums = attribution.Values.flatten(1).sum(1);
        double gap = (gradientSums - sums).abs().max().item<float>() / sums.abs().max().item<float>();
        output.WriteLine($"gradient x (x - x') misses completeness by {gap:P1} of the largest sum");
        Assert.True(gap > 0.05, $"gap {gap}");
    }

    /// <summary>
    /// Lumen's resnet18 (batch norm with random statistics, residual additions, downsample shortcuts, a 3x3 max pool with
    /// padding): Σ r = f(x) − f(x′) to 1e-4 of the score change, so the rule reaches every ReLU and pool of every block.
    /// </summary>
    [Fact]
    public void CompletenessIsExactOnResNet18()
    {
        torch.manual_seed(21);
        var module = ResNet.ResNet18(10);
        ArchitectureTestSupport.RandomizeBatchNorms(module, 21);
        using var resnet = new ExplainableModel(module, "resnet18", new long[] { 3, 64, 64 });
        using var x = torch.randn(2, 3, 64, 64);
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(resnet, Baseline.Blurred(3)).Attribute(x, Target.Predicted);
        using var references = Baseline.Blurred(3).For(x);
        using var referenceLogits = resnet.Predict(references);
        for (int n = 0; n < 2; n++)
        {
            double change = attribution.TargetScores[n] - referenceLogits[n, attribution.Targets[n]].item<float>();
            output.WriteLine($"resnet18 image {n}: f(x) - f(x') {change:G6}, delta {attribution.Extras["delta"][n]:E2}");
            Assert.True(Math.Abs(attribution.Extras["delta"][n]) <= 1e-4 * Math.Max(1, Math.Abs(change)), $"image {n}");
        }
        Assert.Equal("resnet18", resnet.Name);
    }

    /// <summary>
    /// Imported ONNX graphs whose nodes are standard layers (a dynamic-batch PyTorch export, and a tf2onnx graph of fixed
    /// batch 1 with two max pools): complete to 1e-4 of the score change.
    /// </summary>
    [Theory]
    [InlineData("mnist.onnx")]
    [InlineData("real/mnist_tf2onnx_op8.onnx")]
    public void CompletenessIsExactOnImportedOnnxGraphs(string file)
    {
        using var imported = OnnxImporter.Load(Path.Combine(Fixtures.Root, "onnx", file));
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(imported).Attribute(inputs, Target.Predicted);
        using var zeroLogits = imported.Predict(torch.zeros_like(inputs));
        for (int n = 0; n < 4; n++)
        {
            double change = attribution.TargetScores[n] - zeroLogits[n, attribution.Targets[n]].item<float>();
            output.WriteLine($"{file} image {n}: f(x) - f(0) {change:G6}, delta {attribution.Extras["delta"][n]:E2}");
            Assert.True(Math.Abs(attribution.Extras["delta"][n]) <= 1e-4 * Math.Max(1, Math.Abs(change)), $"image {n}");
        }
    }

    [Fact]
    public void TorchVisionsResidualBlocksAreRefused()
    {
        using var resnet = new ExplainableModel(torchvision.models.resnet18(num_classes: 10), "torchvision-resnet18", new long[] { 3, 32, 32 });
        var error = Assert.Throws<LumenException>(() => new Lumen.Attributions.DeepLift.DeepLift(resnet));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("cannot see inside", error.Message);
    }

    [Fact]
    public void OnALinearModelItIsTheDifferenceTimesTheWeights()
    {
        using var linear = LinearModels.Linear(2, 3, 3, classes: 4);
        using var x = torch.randn(3, 2, 3, 3);
        using var reference = torch.randn(2, 3, 3);
        using var weights = LinearModels.Weights(linear);
        using var attribution = new Lumen.Attributions.DeepLift.DeepLift(linear, Baseline.Custom(reference)).Attribute(x, Target.Class(2));
        for (int n = 0; n < 3; n++)
        {
            using var expected = (x[n] - reference) * weights[2].reshape(2, 3, 3);
            LinearModelTests.AssertClose(expected, attribution.Values[n], 1e-6f);
        }
    }

    [Fact]
    public void ALayerWithoutARuleIsRefusedInOneLine()
    {
        using var softmax = Wrap(nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(16, 4)), ("norm", nn.LayerNorm(4)), ("out", nn.Linear(4, 3))));
        var error = Assert.Throws<LumenException>(() => new Lumen.Attributions.DeepLift.DeepLift(softmax));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("no rule for layer 'norm' (LayerNorm)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AnInPlaceActivationIsRefused()
    {
        using var inPlace = Wrap(nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(16, 4)), ("relu", nn.ReLU(inplace: true)), ("out", nn.Linear(4, 3))));
        using var x = torch.randn(2, 1, 4, 4);
        var error = Assert.Throws<LumenException>(() => new Lumen.Attributions.DeepLift.DeepLift(inPlace).Attribute(x, Target.Predicted));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("in place", error.Message);
    }

    [Fact]
    public void TheModelIsUnchangedAfterwards()
    {
        using var before = model.Predict(inputs);
        using (new Lumen.Attributions.DeepLift.DeepLift(model).Attribute(inputs, target)) { }
        using var after = model.Predict(inputs);
        using var gradientAfter = InputGradient.Compute(model, inputs, target).Gradient;
        using var saliency = NpyFile.Read(Fixtures.Attribution("captum_saliency_signed"));
        Assert.True(before.allclose(after, 0, 0));
        ReferenceComparison.AssertMatches(saliency, gradientAfter);
    }

    private void AssertComplete(IReadOnlyList<double> delta, IReadOnlyList<float> scores, string method)
    {
        output.WriteLine($"{method} completeness delta per image: {string.Join(", ", delta.Select(d => d.ToString("E2")))}");
        for (int i = 0; i < delta.Count; i++)
            Assert.True(Math.Abs(delta[i]) <= 1e-4 * Math.Max(1, Math.Abs(scores[i])), $"image {i}: delta {delta[i]}");
    }

    private static ExplainableModel MixedModel()
    {
        torch.manual_seed(5);
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(2, 6, 3, padding: 1)),
            ("bn1", nn.BatchNorm2d(6)),
            ("elu", nn.ELU()),
            ("pool1", nn.MaxPool2d(3, stride: 2, padding: 1)),
            ("conv2", nn.Conv2d(6, 8, 3)),
            ("tanh", nn.Tanh()),
            ("avg", nn.AvgPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(8 * 2 * 2, 12)),
            ("sigmoid", nn.Sigmoid()),
            ("fc2", nn.Linear(12, 10)),
            ("gelu", nn.GELU()),
            ("fc3", nn.Linear(10, 5)));
        var bn = (TorchSharp.Modules.BatchNorm2d)module[1];
        using (torch.no_grad())
        {
            ((TorchSharp.Modules.Linear)module[10]).weight!.mul_(3);
            ((TorchSharp.Modules.Linear)module[12]).weight!.mul_(10);
            bn.running_mean!.copy_(torch.randn(6) * 0.3);
            bn.running_var!.copy_(torch.rand(6) + 0.5);
        }
        return new ExplainableModel(module, "mixed", new long[] { 2, 12, 12 });
    }

    private static ExplainableModel Wrap(nn.Module<Tensor, Tensor> module) => new(module, "small", new long[] { 1, 4, 4 });

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
