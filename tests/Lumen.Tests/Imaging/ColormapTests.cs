using Lumen.Imaging;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

public class ColormapTests
{
    [Fact]
    public void JetRunsFromDarkBlueToDarkRed()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)128), Colormap.Jet.Map(0));
        Assert.Equal(((byte)128, (byte)0, (byte)0), Colormap.Jet.Map(1));
        var (r, g, b) = Colormap.Jet.Map(0.5f);
        Assert.True(g > 200 && r > 100 && b > 100 && r < 180, $"jet(0.5) is light green, got {r},{g},{b}");
    }

    [Fact]
    public void BlueWhiteRedIsWhiteInTheMiddle()
    {
        Assert.Equal(((byte)255, (byte)255, (byte)255), Colormap.BlueWhiteRed.Map(0.5f));
        Assert.Equal(((byte)0, (byte)0, (byte)255), Colormap.BlueWhiteRed.Map(0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), Colormap.BlueWhiteRed.Map(1));
    }

    [Fact]
    public void ViridisAndInfernoMatchMatplotlib()
    {
        // matplotlib: viridis(0) = (68, 1, 84), viridis(1) = (253, 231, 37), viridis(0.5) = (33, 145, 140).
        AssertNear((68, 1, 84), Colormap.Viridis.Map(0), 0);
        AssertNear((253, 231, 37), Colormap.Viridis.Map(1), 0);
        AssertNear((33, 145, 140), Colormap.Viridis.Map(0.5f), 2);
        // inferno(0) = (0, 0, 4), inferno(1) = (252, 255, 164), inferno(0.5) = (188, 55, 84).
        AssertNear((0, 0, 4), Colormap.Inferno.Map(0), 0);
        AssertNear((252, 255, 164), Colormap.Inferno.Map(1), 0);
        AssertNear((188, 55, 84), Colormap.Inferno.Map(0.5f), 2);
    }

    [Fact]
    public void ClampsOutOfRangeAndGivesNanAVisibleColour()
    {
        Assert.Equal(Colormap.Gray.Map(0), Colormap.Gray.Map(-3));
        Assert.Equal(Colormap.Gray.Map(1), Colormap.Gray.Map(7));
        Assert.Equal(Colormap.NanColor, Colormap.Jet.Map(float.NaN));
    }

    [Fact]
    public void ApplyAgreesWithMap()
    {
        using var values = torch.tensor(new[] { 0f, 0.1f, 0.5f, 0.77f, 1f, float.NaN, -1f, 2f }).reshape(2, 4);
        using var before = values.clone();
        foreach (var colormap in new[] { Colormap.Jet, Colormap.Viridis, Colormap.Inferno, Colormap.Gray, Colormap.BlueWhiteRed })
        {
            using var colors = colormap.Apply(values);
            Assert.Equal(new long[] { 2, 4, 3 }, colors.shape);
            for (var i = 0; i < 8; i++)
            {
                var expected = colormap.Map(values[i / 4, i % 4].item<float>());
                Assert.Equal(expected.R, colors[i / 4, i % 4, 0].item<byte>());
                Assert.Equal(expected.G, colors[i / 4, i % 4, 1].item<byte>());
                Assert.Equal(expected.B, colors[i / 4, i % 4, 2].item<byte>());
            }
        }

        Assert.True(values.isnan().eq(before.isnan()).all().item<bool>());
        Assert.True(values.nan_to_num(0).eq(before.nan_to_num(0)).all().item<bool>());
    }

    [Theory]
    [InlineData("jet")]
    [InlineData("Viridis")]
    [InlineData("inferno")]
    [InlineData("gray")]
    [InlineData("grey")]
    [InlineData("bwr")]
    public void ParsesNames(string name)
    {
        Assert.Equal(name.ToLowerInvariant().Replace("grey", "gray"), Colormap.Parse(name).Name);
    }

    [Fact]
    public void UnknownNameIsAUsageErrorListingTheNames()
    {
        var e = Assert.Throws<LumenException>(() => Colormap.Parse("rainbow"));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("rainbow", e.Message);
        Assert.Contains("viridis", e.Message);
        Assert.Contains("bwr", e.Message);
    }

    private static void AssertNear((int R, int G, int B) expected, (byte R, byte G, byte B) actual, int tolerance)
    {
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected}, got {actual}");
    }
}
