using Lumen.Imaging;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Imaging;

public class RenderingTests
{
    [Fact]
    public void RenderColoursEveryPixelAndLeavesTheMapAlone()
    {
        using var map = torch.tensor(new[] { 0f, 1f, 2f, 3f, 4f, 5f }).reshape(2, 3);
        using var before = map.clone();
        var image = HeatmapRenderer.Render(map, Colormap.Jet, MapNormalization.MinMax);
        Assert.Equal(3, image.Width);
        Assert.Equal(2, image.Height);
        Assert.Equal(Colormap.Jet.Map(0), image.GetPixel(0, 0));
        Assert.Equal(Colormap.Jet.Map(1), image.GetPixel(2, 1));
        Assert.True(map.eq(before).all().item<bool>());
    }

    [Fact]
    public void OverlayWithAlphaZeroIsTheImageAndOneIsTheHeatmap()
    {
        using var display = torch.rand(3, 8, 8, generator: new Generator(1));
        using var displayBefore = display.clone();
        using var map = torch.rand(2, 2, generator: new Generator(2));
        using var mapBefore = map.clone();

        var plain = RgbImage.FromTensor(display);
        var none = HeatmapRenderer.Overlay(display, map, Colormap.Viridis, MapNormalization.MinMax, alpha: 0);
        Assert.Equal(plain.Pixels.ToArray(), none.Pixels.ToArray());

        var full = HeatmapRenderer.Overlay(display, map, Colormap.Viridis, MapNormalization.MinMax, alpha: 1, Upsampling.Nearest);
        using var upsampled = MapResizer.Resize(map, 8, 8, Upsampling.Nearest);
        var heat = HeatmapRenderer.Render(upsampled, Colormap.Viridis, MapNormalization.MinMax);
        Assert.Equal(heat.Pixels.ToArray(), full.Pixels.ToArray());

        Assert.True(display.eq(displayBefore).all().item<bool>());
        Assert.True(map.eq(mapBefore).all().item<bool>());
    }

    [Fact]
    public void OverlayBlendsLinearly()
    {
        using var display = torch.zeros(3, 2, 2);
        using var map = torch.ones(2, 2);
        // A constant map normalizes to 0 under min-max: jet(0) = (0, 0, 128); half of it over black is (0, 0, 64).
        var image = HeatmapRenderer.Overlay(display, map, Colormap.Jet, MapNormalization.MinMax, alpha: 0.5f);
        Assert.Equal(((byte)0, (byte)0, (byte)64), image.GetPixel(1, 1));
    }

    [Fact]
    public void OverlayRejectsBadAlphaAndShapes()
    {
        using var display = torch.zeros(3, 4, 4);
        using var map = torch.zeros(2, 2);
        using var multi = torch.zeros(3, 2, 2);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => HeatmapRenderer.Overlay(display, map, Colormap.Jet, MapNormalization.MinMax, 1.5f)).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => HeatmapRenderer.Overlay(display, multi, Colormap.Jet, MapNormalization.MinMax)).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => HeatmapRenderer.Overlay(map, map, Colormap.Jet, MapNormalization.MinMax)).Kind);
        using var normalizedInput = torch.full(3, 4, 4, -1.8f);
        var e = Assert.Throws<LumenException>(() => HeatmapRenderer.Overlay(normalizedInput, map, Colormap.Jet, MapNormalization.MinMax));
        Assert.Contains("LoadedImages.Display", e.Message);
    }

    [Fact]
    public void BatchHelpersDrawOnePicturePerImage()
    {
        using var displays = torch.rand(3, 3, 16, 16, generator: new Generator(5));
        using var cams = torch.rand(3, 1, 4, 4, generator: new Generator(6));
        using var attributions = torch.randn(3, 3, 16, 16, generator: new Generator(7));

        var overlays = HeatmapRenderer.OverlayBatch(displays, cams, Colormap.Jet, MapNormalization.MinMax);
        Assert.Equal(3, overlays.Count);
        Assert.All(overlays, o => Assert.Equal((16, 16), (o.Width, o.Height)));
        var second = HeatmapRenderer.Overlay(displays[1], cams[1, 0], Colormap.Jet, MapNormalization.MinMax);
        Assert.Equal(second.Pixels.ToArray(), overlays[1].Pixels.ToArray());

        var heatmaps = HeatmapRenderer.RenderBatch(attributions, Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax);
        using var reduced = HeatmapRenderer.ReduceChannels(attributions[2]);
        Assert.Equal(HeatmapRenderer.Render(reduced, Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax).Pixels.ToArray(), heatmaps[2].Pixels.ToArray());

        using var tooFew = torch.rand(2, 1, 4, 4);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => HeatmapRenderer.OverlayBatch(displays, tooFew, Colormap.Jet, MapNormalization.MinMax)).Kind);
    }

    [Fact]
    public void RenderingAcceptsTensorsThatTrackGradients()
    {
        using var map = torch.rand(4, 4, requires_grad: true);
        var image = HeatmapRenderer.Render(map, Colormap.Jet, MapNormalization.MinMax);
        Assert.Equal(4, image.Width);
        Assert.Null(map.grad);
    }

    [Fact]
    public void ColorbarRunsFromLowToHigh()
    {
        var bar = HeatmapRenderer.RenderColorbar(Colormap.Jet, 100, 10);
        Assert.Equal((100, 10), (bar.Width, bar.Height));
        Assert.Equal(Colormap.Jet.Map(0), bar.GetPixel(0, 5));
        Assert.Equal(Colormap.Jet.Map(1), bar.GetPixel(99, 9));
    }

    [Fact]
    public void ReducesChannelsByTheChosenRule()
    {
        using var attribution = torch.tensor(new[] { 1f, -3f, 2f, 0f, -1f, 0.5f }).reshape(3, 1, 2);
        using var sum = HeatmapRenderer.ReduceChannels(attribution);
        Assert.Equal(new[] { 2f, -2.5f }, sum.flatten().data<float>().ToArray());
        using var meanAbs = HeatmapRenderer.ReduceChannels(attribution, ChannelReduction.MeanAbs);
        Assert.Equal(new[] { 4f / 3f, 3.5f / 3f }, meanAbs.flatten().data<float>().ToArray());
        using var maxAbs = HeatmapRenderer.ReduceChannels(attribution, ChannelReduction.MaxAbs);
        Assert.Equal(new[] { 2f, 3f }, maxAbs.flatten().data<float>().ToArray());
        using var batched = HeatmapRenderer.ReduceChannels(attribution.unsqueeze(0));
        Assert.Equal(new long[] { 1, 2 }, batched.shape);
    }

    [Fact]
    public void PngRoundTripKeepsEveryPixel()
    {
        using var folder = new TempDirectory();
        using var tensor = torch.rand(3, 5, 7, generator: new Generator(3));
        var image = RgbImage.FromTensor(tensor);
        var path = folder.File("out.png");
        image.SavePng(path);
        Assert.Single(Directory.GetFiles(folder.Path));

        using var decoded = SKBitmap.Decode(path);
        Assert.Equal(7, decoded.Width);
        Assert.Equal(5, decoded.Height);
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 7; x++)
            {
                var c = decoded.GetPixel(x, y);
                Assert.Equal(image.GetPixel(x, y), (c.Red, c.Green, c.Blue));
            }
        }

        var expected = (byte)Math.Round(tensor[1, 2, 3].item<float>() * 255);
        Assert.Equal(expected, image.GetPixel(3, 2).G);
        var loaded = RgbImage.Load(path);
        Assert.Equal(image.GetPixel(6, 4), loaded.GetPixel(6, 4));
    }

    [Fact]
    public void SavePngIntoMissingFolderIsAUsageError()
    {
        var image = new RgbImage(1, 1, [1, 2, 3]);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => image.SavePng("/nonexistent-folder-lumen/x.png")).Kind);
    }

    [Fact]
    public void FromTensorRejectsNaNAndWrongShapes()
    {
        using var nan = torch.full(3, 2, 2, float.NaN);
        Assert.Equal(ErrorKind.InputData, Assert.Throws<LumenException>(() => RgbImage.FromTensor(nan)).Kind);
        using var fourChannels = torch.zeros(4, 2, 2);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => RgbImage.FromTensor(fourChannels)).Kind);
    }

    [Fact]
    public void MontageEnlargesSmallPanelsAndLaysOutAGrid()
    {
        using var map = torch.rand(28, 28, generator: new Generator(4));
        var panel = HeatmapRenderer.Render(map, Colormap.Inferno, MapNormalization.MinMax);
        var panels = Enumerable.Range(0, 5).Select(i => new MontagePanel(panel, $"panel {i}")).ToList();
        var options = new MontageOptions { Padding = 10 };
        var montage = Montage.Create(panels, columns: 3, options);

        // 28 px panels are shown at 4x = 112 px; 3 columns and 2 rows.
        Assert.Equal(3 * 112 + 4 * 10, montage.Width);
        Assert.True(montage.Height > 2 * 112 + 3 * 10, $"height {montage.Height} leaves room for captions");
        // The first panel's top-left 4x4 block is one enlarged pixel.
        Assert.Equal(panel.GetPixel(0, 0), montage.GetPixel(10, 10));
        Assert.Equal(panel.GetPixel(0, 0), montage.GetPixel(13, 13));
        Assert.Equal(panel.GetPixel(1, 0), montage.GetPixel(14, 10));
        // The empty sixth cell stays background.
        Assert.Equal(((byte)255, (byte)255, (byte)255), montage.GetPixel(10 + 2 * 122 + 56, 10 + 122 + 56));
    }

    [Fact]
    public void MontageDrawsCaptionsAndTitle()
    {
        var panel = new RgbImage(20, 20, Enumerable.Repeat((byte)255, 20 * 20 * 3).ToArray());
        var blank = Montage.Create([new MontagePanel(panel)], 1, new MontageOptions { MinPanelSide = 0 });
        var captioned = Montage.Create([new MontagePanel(panel, "Sneaker 0.97")], 1, new MontageOptions { MinPanelSide = 0, Title = "Saliency" });
        Assert.True(captioned.Height > blank.Height);
        Assert.True(CountDarkPixels(captioned) > 30, "caption and title text are drawn");
        Assert.Equal(0, CountDarkPixels(blank));
    }

    [Fact]
    public void MontageRejectsNoPanelsOrColumns()
    {
        var panel = new RgbImage(1, 1, [0, 0, 0]);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => Montage.Create([], 2)).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => Montage.Create([new MontagePanel(panel)], 0)).Kind);
    }

    [Fact]
    public void WrapsLongCaptions()
    {
        var panel = new RgbImage(30, 30, new byte[30 * 30 * 3]);
        var montage = Montage.Create([new MontagePanel(panel, "a very long caption that cannot possibly fit on one line under a small panel")], 1);
        var single = Montage.Create([new MontagePanel(panel, "short")], 1);
        Assert.Equal(single.Width, montage.Width);
        Assert.True(montage.Height > single.Height);
    }

    private static int CountDarkPixels(RgbImage image)
    {
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.GetPixel(x, y).R < 128)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
