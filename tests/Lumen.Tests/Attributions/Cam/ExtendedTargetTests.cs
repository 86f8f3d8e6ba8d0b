using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Cam;

/// <summary>
/// Targets beyond one class per image: class sums (multi-label), segmentation classes over a mask or the predicted
/// pixels of an [N, K, H, W] output, and any function of the output, each checked against the gradient of the same
/// scalar computed directly with autograd; targets that do not fit the output are usage errors.
/// </summary>
public sealed class ExtendedTargetTests
{
    [Fact]
    public void SaliencyOfAMaskedSegmentationSumIsTheGradientOfThatSum()
    {
        using var model = SegmentationModel();
        using var input = rand(2, 1, 8, 8, generator: new Generator(seed: 4));
        using var mask = zeros(2, 8, 8);
        mask[0, 1..5, 2..6] = tensor(1f);
        mask[1, 4..8, 0..3] = tensor(1f);
        var target = Target.Segmentation(2, mask);
        using var saliency = new Saliency(model, SaliencyMode.Signed).Attribute(input, target);
        using var expected = DirectGradient(model, input, output => (output.select(1, 2) * mask).sum());
        LinearModelTests.AssertCloseAcrossKernels(expected, saliency.Values);
        Assert.Equal(new long[] { -1, -1 }, saliency.Targets);
    }

    [Fact]
    public void GradCamOfTheSegmentationTargetEqualsTheHandComputation()
    {
        using var model = SegmentationModel();
        using var input = rand(2, 1, 8, 8, generator: new Generator(seed: 6));
        using var mask = zeros(8, 8);
        mask[2..6, 2..6] = tensor(1f);
        using var attribution = new GradCam(model, "relu1", relu: false).Attribute(input, Target.Segmentation(1, mask));
        // By hand: A = relu1's output, g = d(sum of class 1 over the mask)/dA, map = sum_k mean(g_k) A_k.
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var conv1 = (nn.Module<Tensor, Tensor>)model.ResolveLayer("conv1");
        var rest = (nn.Module<Tensor, Tensor>)model.ResolveLayer("conv2");
        Tensor activations = nn.functional.relu(conv1.call(input)).detach().requires_grad_(true);
        Tensor output = rest.call(activations);
        Tensor gradient = autograd.grad(new[] { (output.select(1, 1) * mask).sum() }, new[] { activations })[0];
        Tensor expected = (gradient.mean(new long[] { 2, 3 }, keepdim: true) * activations.detach()).sum(1, keepdim: true);
        LinearModelTests.AssertCloseAcrossKernels(expected, attribution.Values);
    }

    [Fact]
    public void ThePredictedPixelsTargetSumsTheClassWhereItWins()
    {
        using var model = SegmentationModel();
        using var input = rand(3, 1, 8, 8, generator: new Generator(seed: 8));
        using var output = model.Predict(input);
        using var wins = output.argmax(1).eq(0).to_type(ScalarType.Float32);
        using var expected = (output.select(1, 0) * wins).sum(new long[] { 1, 2 });
        using var scores = Target.SegmentationPredicted(0).Score(output);
        LinearModelTests.AssertCloseAcrossKernels(expected, scores);
        using var saliency = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.SegmentationPredicted(0));
        using var direct = DirectGradient(model, input, o => (o.select(1, 0) * wins).sum());
        LinearModelTests.AssertCloseAcrossKernels(direct, saliency.Values);
    }

    [Fact]
    public void ScoreCamUsesEachImagesOwnMask()
    {
        using var model = SegmentationModel();
        using var input = rand(2, 1, 8, 8, generator: new Generator(seed: 9));
        using var mask = zeros(2, 8, 8);
        mask[0, 0..4, 0..4] = tensor(1f);
        mask[1, 4..8, 4..8] = tensor(1f);
        using var both = new ScoreCam(model, "relu1", relu: false).Attribute(input, Target.Segmentation(1, mask));
        for (int i = 0; i < 2; i++)
        {
            using var single = new ScoreCam(model, "relu1", relu: false).Attribute(input.narrow(0, i, 1), Target.Segmentation(1, mask[i]));
            LinearModelTests.AssertCloseAcrossKernels(single.Values, both.Values.narrow(0, i, 1));
        }
    }

    [Fact]
    public void AugSmoothMirrorsTheSegmentationMaskWithTheImage()
    {
        using var model = SegmentationModel();
        using var input = rand(1, 1, 8, 8, generator: new Generator(seed: 10));
        using var mask = zeros(8, 8);
        mask[1..4, 0..3] = tensor(1f);
        using var smoothed = new GradCam(model, new CamOptions("relu1") { Relu = false, AugSmooth = true }).Attribute(input, Target.Segmentation(1, mask));
        var plain = new GradCam(model, "relu1", relu: false);
        using var sum = zeros(1, 1, 8, 8);
        using var mirroredMask = mask.flip(1);
        foreach (bool mirror in new[] { false, true })
        {
            foreach (double factor in new[] { 0.9, 1.0, 1.1 })
            {
                using var scaled = input * factor;
                using var copy = mirror ? scaled.flip(3) : scaled.alias();
                using var map = plain.Attribute(copy, Target.Segmentation(1, mirror ? mirroredMask : mask));
                sum.add_(mirror ? map.Values.flip(3) : map.Values);
            }
        }
        using var expected = sum / 6;
        LinearModelTests.AssertCloseAcrossKernels(expected, smoothed.Values);
    }

    [Fact]
    public void AClassSumIsTheSumOfTheClassesGradients()
    {
        using var model = Classifier();
        using var input = rand(3, 1, 8, 8, generator: new Generator(seed: 12));
        using var three = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(3));
        using var seven = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(7));
        using var both = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.ClassSum(3, 7));
        using var expected = three.Values + seven.Values;
        LinearModelTests.AssertCloseAcrossKernels(expected, both.Values);
        Assert.Equal(new long[] { -1, -1, -1 }, both.Targets);

        var perImage = Target.ClassSums(new[] { new[] { 3, 7 }, new[] { 7 }, new[] { 3, 7 } });
        using var mixed = new Saliency(model, SaliencyMode.Signed).Attribute(input, perImage);
        Assert.Equal(new long[] { -1, 7, -1 }, mixed.Targets);
        LinearModelTests.AssertCloseAcrossKernels(expected[0], mixed.Values[0]);
        LinearModelTests.AssertCloseAcrossKernels(seven.Values[1], mixed.Values[1]);
        // Per-image class sets in a method that scores copies of one image at a time.
        using var ablation = new AblationCam(model, "relu1", relu: false).Attribute(input, perImage);
        using var ablationSeven = new AblationCam(model, "relu1", relu: false).Attribute(input.narrow(0, 1, 1), Target.Class(7));
        LinearModelTests.AssertCloseAcrossKernels(ablationSeven.Values, ablation.Values.narrow(0, 1, 1));
        using var ablationBoth = new AblationCam(model, "relu1", relu: false).Attribute(input.narrow(0, 2, 1), Target.ClassSum(3, 7));
        LinearModelTests.AssertCloseAcrossKernels(ablationBoth.Values, ablation.Values.narrow(0, 2, 1));
    }

    [Fact]
    public void AFunctionOfTheLogitsIsExplainedLikeAnyTarget()
    {
        using var model = Classifier();
        using var input = rand(2, 1, 8, 8, generator: new Generator(seed: 13));
        var margin = Target.Function(logits => logits.select(1, 2) - logits.select(1, 5), "logit 2 - logit 5");
        using var viaFunction = new Saliency(model, SaliencyMode.Signed).Attribute(input, margin);
        using var two = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(2));
        using var five = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(5));
        using var expected = two.Values - five.Values;
        LinearModelTests.AssertCloseAcrossKernels(expected, viaFunction.Values);
    }

    [Fact]
    public void ATargetThatDoesNotFitTheOutputIsAOneLineUsageError()
    {
        using var segmentation = SegmentationModel();
        using var classifier = Classifier();
        using var input = rand(1, 1, 8, 8);
        using var mask = ones(8, 8);
        using var wrongSize = ones(4, 4);
        var cases = new (ExplainableModel Model, Target Target, string Says)[]
        {
            (segmentation, Target.Predicted, "seg:"),
            (segmentation, Target.Class(1), "segmentation map"),
            (segmentation, Target.ClassSum(0, 1), "segmentation map"),
            (segmentation, Target.Segmentation(5, mask), "out of range"),
            (segmentation, Target.Segmentation(1, wrongSize), "mask is 4x4"),
            (classifier, Target.Segmentation(1, mask), "class target"),
            (classifier, Target.ClassSum(3, 10), "out of range"),
        };
        foreach (var (model, target, says) in cases)
        {
            var error = Assert.Throws<LumenException>(() => new GradCam(model, "relu1").Attribute(input, target));
            Assert.Equal(ErrorKind.Usage, error.Kind);
            Assert.Contains(says, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    private static Tensor DirectGradient(ExplainableModel model, Tensor input, Func<Tensor, Tensor> score)
    {
        using var grad = enable_grad();
        using var leaf = input.detach().clone().requires_grad_(true);
        using var output = model.Module.call(leaf);
        return autograd.grad(new[] { score(output) }, new[] { leaf })[0];
    }

    /// <summary>A segmentation model with no pooling: [N, 1, 8, 8] to per-pixel logits of 3 classes [N, 3, 8, 8].</summary>
    internal static ExplainableModel SegmentationModel()
    {
        manual_seed(21);
        return new ExplainableModel(nn.Sequential(
            ("conv1", nn.Conv2d(1, 6, 3, padding: 1)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(6, 3, 3, padding: 1))), "tiny-segmenter", new long[] { 1, 8, 8 });
    }

    private static ExplainableModel Classifier()
    {
        manual_seed(22);
        return new ExplainableModel(nn.Sequential(
            ("conv1", nn.Conv2d(1, 6, 3, padding: 1)),
            ("relu1", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(6, 10))), "tiny-classifier", new long[] { 1, 8, 8 });
    }
}
