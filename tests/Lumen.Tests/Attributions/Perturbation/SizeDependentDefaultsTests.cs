using Lumen.Attributions;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>
/// Defaults that depend on the image's size (occlusion's window and stride, learned-mask's mask size, lime-noise's
/// cell) follow their formulas at 28, 224 and non-square sizes, and an attribution records the values used.
/// </summary>
public sealed class SizeDependentDefaultsTests
{
    [Theory]
    [InlineData(28, 28, 2, 1)]
    [InlineData(224, 224, 16, 8)]
    [InlineData(224, 448, 16, 8)]
    [InlineData(300, 100, 7, 3)]
    [InlineData(32, 32, 2, 1)]
    [InlineData(35, 50, 3, 1)]
    [InlineData(1, 5, 1, 1)]
    public void OcclusionWindowIsAFourteenthOfTheShorterSideAndTheStrideHalfOfIt(int height, int width, int window, int stride)
    {
        var chosen = OcclusionDefaults.Window(height, width);
        Assert.Equal(WindowShape.Square(window), chosen);
        Assert.Equal(WindowShape.Square(stride), OcclusionDefaults.Stride(chosen));
    }

    [Theory]
    [InlineData(28, 28, "2", "1")]
    [InlineData(224, 224, "16", "8")]
    [InlineData(56, 42, "3", "1")]
    public void OcclusionWithoutAWindowRecordsTheWindowAndStrideItUsed(int height, int width, string window, string stride)
    {
        using var model = LinearModels.Linear(1, height, width, 2);
        using var x = torch.rand(1, 1, height, width, generator: new torch.Generator(3));
        var occlusion = (Occlusion)PerturbationSettings.CreateOcclusion(model, new MethodOptions());
        Assert.Null(occlusion.Window);
        Assert.Equal("auto", occlusion.Settings["window"]);
        using var attribution = occlusion.Attribute(x, Target.Class(1));
        Assert.Equal(window, attribution.Settings["window"]);
        Assert.Equal(stride, attribution.Settings["stride"]);
        var (w, s) = occlusion.Resolve(height, width);
        using var explicitly = new Occlusion(model, w, s).Attribute(x, Target.Class(1));
        LinearModelTests.AssertClose(explicitly.Values, attribution.Values, 0f);
    }

    [Fact]
    public void AnExplicitWindowKeepsHalfOfItAsTheStride()
    {
        using var model = LinearModels.Linear(1, 28, 28, 2);
        using var x = torch.rand(1, 1, 28, 28, generator: new torch.Generator(4));
        var options = new MethodOptions(parameters: new Dictionary<string, string> { ["window"] = "8" });
        using var attribution = PerturbationSettings.CreateOcclusion(model, options).Attribute(x, Target.Class(0));
        Assert.Equal("8", attribution.Settings["window"]);
        Assert.Equal("4", attribution.Settings["stride"]);
    }

    [Fact]
    public void AnAutomaticStrideLargerThanAnExplicitWindowIsStillRefused()
    {
        using var model = LinearModels.Linear(1, 28, 28, 2);
        var occlusion = new Occlusion(model, null, WindowShape.Square(5));
        Assert.Contains("occlusion stride 5 is larger than the window 2", Assert.Throws<LumenException>(() => occlusion.Resolve(28, 28)).Message);
    }

    [Fact]
    public void LearnedMaskAndLimeNoiseRecordTheAutomaticSizesTheyUsed()
    {
        using var model = LinearModels.Linear(1, 56, 42, 2);
        using var x = torch.rand(2, 1, 56, 42, generator: new torch.Generator(6));
        var mask = new LearnedMask(model, iterations: 1);
        Assert.Equal("auto", mask.Settings["mask-size"]);
        using var masked = mask.Attribute(x, Target.Class(1));
        Assert.Equal("14", masked.Settings["mask-size"]);
        var noise = new LimeNoise(model, samples: 20, features: 3);
        Assert.Equal("auto", noise.Settings["cell"]);
        using var noisy = noise.Attribute(x, Target.Class(1));
        Assert.Equal("1", noisy.Settings["cell"]);
    }

    [Fact]
    public void SmoothGradOverOcclusionRecordsTheWindowItsBaseUsed()
    {
        using var model = LinearModels.Linear(1, 28, 28, 2);
        using var x = torch.rand(1, 1, 28, 28, generator: new torch.Generator(7));
        var tunnel = new Lumen.Attributions.Gradients.NoiseTunnel(model, new Occlusion(model, null, null), samples: 2);
        Assert.Equal("auto", tunnel.Settings["base.window"]);
        using var attribution = tunnel.Attribute(x, Target.Class(0));
        Assert.Equal("2", attribution.Settings["base.window"]);
        Assert.Equal("1", attribution.Settings["base.stride"]);
    }
}
