using Lumen.Imaging;
using Lumen.Models;
using Lumen.Understanding;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Understanding;

/// <summary>The pieces of activation maximization on their own: input space, colour decorrelation, Fourier form, blur, units.</summary>
public class ParameterizationTests
{
    /// <summary>A private random stream, so tests running in parallel never touch torch's global one.</summary>
    private static Generator Seeded() => new(17);

    [Fact]
    public void InputSpaceMapsPixelsThroughTheModelsNormalisation()
    {
        var space = new InputSpace(ImagePreprocessing.ImageNet(), 3);
        Assert.Equal((0 - 0.485f) / 0.229f, space.Low[0], 5);
        Assert.Equal((1 - 0.406f) / 0.225f, space.High[2], 5);
        using var scope = NewDisposeScope();
        var pixels = torch.rand(new long[] { 2, 3, 5, 5 }, generator: Seeded());
        var input = space.ToInput(pixels);
        Assert.Equal(((pixels[1, 1, 2, 3] - 0.456f) / 0.224f).item<float>(), input[1, 1, 2, 3].item<float>(), 5);
        Assert.True(space.ToPixels(input).sub(pixels).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void ColourDecorrelationHasUnitLargestColumnAndInverts()
    {
        var m = ColorDecorrelation.Matrix;
        double largest = Enumerable.Range(0, 3).Max(j => Math.Sqrt(Enumerable.Range(0, 3).Sum(i => m[i, j] * m[i, j])));
        Assert.Equal(1.0, largest, 5);
        using var scope = NewDisposeScope();
        var x = torch.randn(new long[] { 2, 3, 4, 4 }, generator: Seeded());
        var rgb = ColorDecorrelation.ToRgb(x);
        Assert.Equal((m[1, 0] * x[0, 0, 1, 2] + m[1, 1] * x[0, 1, 1, 2] + m[1, 2] * x[0, 2, 1, 2]).item<float>(), rgb[0, 1, 1, 2].item<float>(), 5);
        Assert.True(ColorDecorrelation.FromRgb(rgb).sub(x).abs().max().item<float>() < 1e-4);
    }

    [Theory]
    [InlineData(3, 28, 28)]
    [InlineData(1, 15, 20)]
    [InlineData(3, 9, 7)]
    public void FourierFormReproducesTheImageItStartsFrom(int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var pixels = torch.rand(new long[] { 2, channels, height, width }, generator: Seeded()) * 0.9 + 0.05;
        using var fourier = FourierParameterization.FromPixels(pixels, decay: 1);
        Assert.True(fourier.Pixels().sub(pixels).abs().max().item<float>() < 1e-4);
        Assert.Equal(new long[] { 2, channels, height, width / 2 + 1, 2 }, fourier.Parameter.shape);
    }

    [Fact]
    public void BlurKeepsConstantsAndSmoothsNoise()
    {
        using var scope = NewDisposeScope();
        var constant = torch.full(1, 2, 10, 10, 0.3f);
        Assert.True(GaussianBlur.Apply(constant, 1.0).sub(0.3f).abs().max().item<float>() < 1e-6);
        var noise = torch.rand(new long[] { 1, 1, 20, 20 }, generator: Seeded());
        Assert.True(ImageRegularizers.TotalVariation(GaussianBlur.Apply(noise, 1.0)).item<float>() < 0.5 * ImageRegularizers.TotalVariation(noise).item<float>());
    }

    [Fact]
    public void UnitListsRangesAndNames()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var units = UnitSelection.Parse(model, null, "conv2", "0-2,7,all".Replace(",all", ""), measure: "max");
        Assert.Equal(new[] { "conv2-ch0-max", "conv2-ch1-max", "conv2-ch2-max", "conv2-ch7-max" }, units.Select(u => u.Name));
        Assert.Equal(10, UnitSelection.Parse(model, "all", null, null).Count);
        Assert.Equal("conv3-ch4-y3-x6", Assert.Single(UnitSelection.Parse(model, null, "conv3", "4", "3,6")).Name);
        Assert.Equal(UnitKind.LayerNorm, Assert.Single(UnitSelection.Parse(model, null, "relu2", null)).Kind);
        Assert.Equal("fc-ch3-neuron", Assert.Single(UnitSelection.Parse(model, null, "fc", "3", "centre")).Name);
    }
}
