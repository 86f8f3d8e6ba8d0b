using Lumen.Imaging;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

/// <summary>
/// The ImageNet-sized path a user takes with a photo: load with the ImageNet preset, overlay a coarse 7x7 map,
/// lay out a montage. Set LUMEN_SAMPLE_DIR to keep the PNG for a look.
/// </summary>
public class PhotoSampleTests
{
    [Fact]
    public void OverlaysACoarseMapOnAnImageNetSizedPhoto()
    {
        using var folder = new TempDirectory();
        var output = Environment.GetEnvironmentVariable("LUMEN_SAMPLE_DIR") is { Length: > 0 } keep ? keep : folder.Path;
        var photo = folder.File("synthetic-photo.jpg");
        // A sky-to-grass gradient with a red disc right of centre, 640x480.
        TestImages.Write(photo, 640, 480, (x, y) =>
        {
            var dx = x - 400;
            var dy = y - 240;
            if (dx * dx + dy * dy < 90 * 90)
            {
                return new SKColor(220, 30, 40);
            }

            return y < 300 ? new SKColor((byte)(120 + y / 4), (byte)(170 + y / 8), 235) : new SKColor(60, (byte)(140 + (y - 300) / 4), 50);
        }, SKEncodedImageFormat.Jpeg, 92);

        using var images = ImageLoader.Load(photo, ImagePreprocessing.ImageNet());
        using var scope = torch.NewDisposeScope();
        // A Grad-CAM-like 7x7 map peaking where the disc is (right of centre after the 256/224 crop).
        var ys = torch.arange(7, dtype: torch.ScalarType.Float32).view(7, 1);
        var xs = torch.arange(7, dtype: torch.ScalarType.Float32).view(1, 7);
        var cam = torch.exp(-((xs - 4.4f).pow(2) + (ys - 3f).pow(2)) / 2f);

        var display = images.Display[0];
        List<MontagePanel> panels =
        [
            new(RgbImage.FromTensor(display), images.FileNames[0]),
            new(HeatmapRenderer.Overlay(display, cam, Colormap.Jet, MapNormalization.MinMax), "Grad-CAM-like, jet, bilinear"),
            new(HeatmapRenderer.Overlay(display, cam, Colormap.Inferno, MapNormalization.MinMax, 0.6f, Upsampling.Nearest), "inferno, nearest (true 7x7 cells)"),
            new(HeatmapRenderer.RenderColorbar(Colormap.Jet, 224, 16), "jet: low → high"),
        ];
        var montage = Montage.Create(panels, 2, new MontageOptions { Title = "ImageNet preprocessing (resize 256, crop 224) and overlays" });
        montage.SavePng(Path.Combine(output, "imaging-sample-photo.png"));

        Assert.Equal(2 * 224 + 3 * 10, montage.Width);
        // The disc centre (400, 240) lands at about (155, 112) after resizing to 341x256 and cropping at (58, 16).
        var (r, g, b) = panels[0].Image.GetPixel(149, 112);
        Assert.True(r > 180 && g < 80 && b < 80, $"disc colour {r},{g},{b}");
    }
}
