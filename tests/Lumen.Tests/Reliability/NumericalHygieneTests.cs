using Lumen.Attributions;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>NaN and infinity are reported with the method and the image; constant maps draw as constant.</summary>
public class NumericalHygieneTests
{
    /// <summary>A method whose map for image <paramref name="badImage"/> holds <paramref name="value"/>.</summary>
    private sealed class PoisonedMethod(int badImage, float value) : IAttributionMethod
    {
        public string Name => "poisoned";

        public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

        public Attribution Attribute(Tensor input, Target target)
        {
            var values = torch.zeros(input.shape[0], 1, 4, 4);
            values[badImage, 0, 2, 1] = torch.tensor(value);
            return new Attribution(values, Name, [.. Enumerable.Repeat(0L, (int)input.shape[0])], [.. Enumerable.Repeat(0f, (int)input.shape[0])], Settings);
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteAttributionNamesTheMethodAndTheImage(float value)
    {
        using var input = torch.zeros(3, 1, 4, 4);
        var error = Assert.Throws<LumenException>(() => MethodRunner.RunAll([new PoisonedMethod(2, value)], input, Target.Predicted, ["a", "b", "c"]));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("method 'poisoned' produced NaN or infinite values for image c", error.Message);
    }

    [Fact]
    public void NonFiniteModelOutputNamesTheImage()
    {
        using var logits = torch.zeros(3, 10);
        logits[1, 4] = torch.tensor(float.NaN);
        var error = Assert.Throws<LumenException>(() => FiniteOutputs.Require(logits, "net", ["a", "b", "c"]));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("net returned NaN or infinite outputs for image b", error.Message);
        logits[1, 4] = torch.tensor(1e30f);
        FiniteOutputs.Require(logits, "net", ["a", "b", "c"]);
    }

    [Theory]
    [InlineData("minmax")]
    [InlineData("symmetric")]
    [InlineData("percentile")]
    [InlineData("abs-minmax")]
    public void ConstantMapsRenderAsOneColourWithoutDividingByZero(string normalization)
    {
        foreach (float level in new[] { 0f, 3.5f, -2f, 1e-30f })
        {
            using var map = torch.full(6, 5, level);
            using var normalized = MapNormalization.Parse(normalization).Normalize(map);
            Assert.True(normalized.isfinite().all().item<bool>(), $"{normalization} of a constant {level} map is not finite");
            Assert.Equal(normalized.min().item<float>(), normalized.max().item<float>());
            var picture = HeatmapRenderer.Render(map, Colormap.Jet, MapNormalization.Parse(normalization));
            var first = picture.GetPixel(0, 0);
            for (int y = 0; y < picture.Height; y++)
            {
                for (int x = 0; x < picture.Width; x++) Assert.Equal(first, picture.GetPixel(x, y));
            }
        }
    }
}
