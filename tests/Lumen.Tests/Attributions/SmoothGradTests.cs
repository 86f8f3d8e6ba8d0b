using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions;

/// <summary>The SmoothGrad family (NoiseTunnel) on the reference CNN, and Guided Grad-CAM against Captum 0.7.</summary>
public sealed class SmoothGradTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public SmoothGradTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void WithZeroNoiseItEqualsTheWrappedMethod()
    {
        var saliency = new Saliency(model, SaliencyMode.Signed);
        using var plain = saliency.Attribute(inputs, target);
        using var smooth = new NoiseTunnel(model, saliency, noise: NoiseLevel.Absolute(0), samples: 4).Attribute(inputs, target);
        using var squared = new NoiseTunnel(model, saliency, NoiseTunnelVariant.SmoothGradSquared, NoiseLevel.FractionOfRange(0), 3).Attribute(inputs, target);
        using var variance = new NoiseTunnel(model, saliency, NoiseTunnelVariant.VarGrad, NoiseLevel.Absolute(0), 3).Attribute(inputs, target);
        // The tunnel runs its noiseless copies as one batch of 12 or 16 images, the plain method as a batch of 4: other
        // kernels, other rounding (a flaky absolute 1e-7 once failed at 1.19e-7), so the bound is relative.
        using var squares = plain.Values.square();
        LinearModelTests.AssertCloseAcrossKernels(plain.Values, smooth.Values);
        LinearModelTests.AssertCloseAcrossKernels(squares, squared.Values);
        LinearModelTests.AssertCloseAcrossKernels(torch.zeros_like(plain.Values), variance.Values, scale: squares);
        Assert.Equal(plain.Targets, smooth.Targets);
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalResults()
    {
        var saliency = new Saliency(model, SaliencyMode.Signed);
        NoiseTunnel Tunnel(long seed, int batch) => new(model, saliency, noise: NoiseLevel.FractionOfRange(0.15), samples: 6, seed: seed, internalBatchSize: batch);
        using var first = Tunnel(7, 64).Attribute(inputs, target);
        using var again = Tunnel(7, 64).Attribute(inputs, target);
        using var chunked = Tunnel(7, 8).Attribute(inputs, target);
        using var other = Tunnel(8, 64).Attribute(inputs, target);
        Assert.True(first.Values.eq(again.Values).all().item<bool>(), "the same seed gave different results");
        // Chunks draw the same noise (one sample at a time); only the batch size, so the kernels and the order of the
        // float sums, differ: a relative bound.
        LinearModelTests.AssertCloseAcrossKernels(first.Values, chunked.Values);
        Assert.False(first.Values.eq(other.Values).all().item<bool>(), "different seeds gave the same result");
        Assert.Equal("noise-fraction=0.15", first.Settings["noise"]);
    }

    [Fact]
    public void VarGradIsTheMeanOfSquaresMinusTheSquaredMean()
    {
        var gradient = new GradientTimesInput(model);
        using var mean = new NoiseTunnel(model, gradient, NoiseTunnelVariant.SmoothGrad, NoiseLevel.Absolute(0.2), 5, seed: 3).Attribute(inputs, target);
        using var squares = new NoiseTunnel(model, gradient, NoiseTunnelVariant.SmoothGradSquared, NoiseLevel.Absolute(0.2), 5, seed: 3).Attribute(inputs, target);
        using var variance = new NoiseTunnel(model, gradient, NoiseTunnelVariant.VarGrad, NoiseLevel.Absolute(0.2), 5, seed: 3).Attribute(inputs, target);
        LinearModelTests.AssertClose(squares.Values - mean.Values.square(), variance.Values, 1e-6f);
        Assert.True(variance.Values.min().item<float>() >= -1e-6f);
    }

    [Fact]
    public void EachNoisyCopyExplainsTheClassOfTheCleanImage()
    {
        using var smooth = new NoiseTunnel(model, new Saliency(model), noise: NoiseLevel.Absolute(2), samples: 3).Attribute(inputs, Target.Predicted);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), smooth.Targets);
    }

    [Fact]
    public void GuidedGradCamMatchesCaptum()
    {
        using var attribution = new GuidedGradCam(model, "conv3").Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution("captum_guided_gradcam"));
        output.WriteLine(ReferenceComparison.Describe(expected, attribution.Values));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
