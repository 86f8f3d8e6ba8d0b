using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Cam;

/// <summary>
/// aug-smooth has no reference output; it is checked by exact identities: on a model that is mirror-symmetric and
/// positively homogeneous the smoothed map equals the plain one, and on the reference CNN it equals the average of the
/// six transformed runs computed by hand. Eigen-smooth on a one-channel layer is the centred map.
/// </summary>
public sealed class CamSmoothingTests
{
    [Fact]
    public void AugSmoothChangesNothingOnAMirrorSymmetricHomogeneousModel()
    {
        using var model = SymmetricReluModel();
        using var input = rand(3, 1, 8, 8, generator: new Generator(seed: 5));
        var target = Target.Classes(new[] { 0, 1, 2 });
        foreach (var create in new Func<CamOptions, IAttributionMethod>[]
                 {
                     options => new GradCam(model, options),
                     options => new HiResCam(model, options),
                     options => new GradCamElementWise(model, options),
                     options => new LayerCam(model, options),
                 })
        {
            using var plain = create(new CamOptions("relu2") { Relu = false }).Attribute(input, target);
            using var smoothed = create(new CamOptions("relu2") { Relu = false, AugSmooth = true }).Attribute(input, target);
            Assert.Equal("true", smoothed.Settings["aug-smooth"]);
            LinearModelTests.AssertCloseAcrossKernels(plain.Values, smoothed.Values);
        }
    }

    [Fact]
    public void AugSmoothIsTheMeanOfTheSixTransformedRunsMirroredBack()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var smoothed = new GradCam(model, new CamOptions("conv3") { AugSmooth = true }).Attribute(inputs, Target.Predicted);
        // By hand: the class predicted on the unmodified images, explained on every copy.
        var fixedTarget = Target.Classes(Fixtures.ReferenceTargets);
        var plain = new GradCam(model, "conv3");
        using var sum = zeros(4, 1, 7, 7);
        foreach (bool mirror in new[] { false, true })
        {
            foreach (double factor in new[] { 0.9, 1.0, 1.1 })
            {
                using var scaled = inputs * factor;
                using var copy = mirror ? scaled.flip(3) : scaled.alias();
                using var map = plain.Attribute(copy, fixedTarget);
                using var back = mirror ? map.Values.flip(3) : map.Values.alias();
                sum.add_(back);
            }
        }
        using var expected = sum / 6;
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), smoothed.Targets);
        Assert.Equal("conv3", smoothed.Layer);
        LinearModelTests.AssertCloseAcrossKernels(expected, smoothed.Values);
        using var once = plain.Attribute(inputs, fixedTarget);
        Assert.True((once.Values - smoothed.Values).abs().max().item<float>() > 1e-3f, "the smoothed map should differ from the plain one on this model");
    }

    [Fact]
    public void FullGradAugSmoothIsTheMeanOfTheSixTransformedRuns()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs).narrow(0, 0, 2);
        var target = Target.Classes(Fixtures.ReferenceTargets.Take(2).ToArray());
        using var smoothed = new FullGrad(model, augSmooth: true).Attribute(inputs, target);
        var plain = new FullGrad(model);
        using var sum = zeros(2, 1, 28, 28);
        foreach (bool mirror in new[] { false, true })
        {
            foreach (double factor in new[] { 0.9, 1.0, 1.1 })
            {
                using var scaled = inputs * factor;
                using var copy = mirror ? scaled.flip(3) : scaled.alias();
                using var map = plain.Attribute(copy, target);
                sum.add_(mirror ? map.Values.flip(3) : map.Values);
            }
        }
        using var expected = sum / 6;
        LinearModelTests.AssertCloseAcrossKernels(expected, smoothed.Values);
    }

    [Fact]
    public void EigenSmoothOfAOneChannelLayerIsTheCentredMap()
    {
        // One channel: the first right singular vector is [1] (the sign rule keeps +1), so the projection is the
        // terms centred over positions.
        using var model = new ExplainableModel(nn.Sequential(
            ("conv", nn.Conv2d(1, 1, 3, padding: 1)),
            ("relu", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(1, 2))), "one-channel", new long[] { 1, 6, 6 });
        using var input = rand(2, 1, 6, 6, generator: new Generator(seed: 2));
        var target = Target.Class(1);
        using var plain = new HiResCam(model, new CamOptions("relu") { Relu = false }).Attribute(input, target);
        using var eigen = new HiResCam(model, new CamOptions("relu") { Relu = false, EigenSmooth = true }).Attribute(input, target);
        using var centred = plain.Values - plain.Values.mean(new long[] { 2, 3 }, keepdim: true);
        LinearModelTests.AssertCloseAcrossKernels(centred, eigen.Values);
    }

    /// <summary>
    /// Two convolutions with left-right symmetric kernels and no biases, ReLUs, global average pooling and a linear
    /// layer without bias: mirroring the input mirrors every map and keeps the logits; scaling it by a &gt; 0 scales
    /// the activations by a and keeps the gradients.
    /// </summary>
    internal static ExplainableModel SymmetricReluModel()
    {
        var generator = new Generator(seed: 11);
        var conv1 = nn.Conv2d(1, 4, 3, padding: 1, bias: false);
        var conv2 = nn.Conv2d(4, 6, 3, padding: 1, bias: false);
        var fc = nn.Linear(6, 3, hasBias: false);
        using (no_grad())
        {
            foreach (var conv in new[] { conv1, conv2 })
            {
                using var random = randn(conv.weight!.shape, generator: generator);
                conv.weight!.copy_((random + random.flip(3)) / 2);
            }
            using var weights = randn(fc.weight!.shape, generator: generator);
            fc.weight!.copy_(weights);
        }
        var module = nn.Sequential(
            ("conv1", conv1), ("relu1", nn.ReLU()),
            ("conv2", conv2), ("relu2", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", fc));
        return new ExplainableModel(module, "mirror-symmetric", new long[] { 1, 8, 8 });
    }
}
