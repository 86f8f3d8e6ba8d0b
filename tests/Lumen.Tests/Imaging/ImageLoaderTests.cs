using Lumen.Imaging;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Imaging;

public class ImageLoaderTests
{
    private static readonly SKColor Red = new(255, 0, 0);
    private static readonly SKColor Blue = new(0, 0, 255);

    private static SKColor LeftRedRightBlue(int x, int y, int width) => x < width / 2 ? Red : Blue;

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, 0.0)]
    [InlineData(SKEncodedImageFormat.Bmp, 0.0)]
    [InlineData(SKEncodedImageFormat.Jpeg, 0.06)]
    [InlineData(SKEncodedImageFormat.Webp, 0.06)]
    public void LoadsEachFormatAsRgbInUnitRange(SKEncodedImageFormat format, double tolerance)
    {
        using var folder = new TempDirectory();
        var path = folder.File("two-colours." + format.ToString().ToLowerInvariant());
        TestImages.Write(path, 32, 16, (x, y) => LeftRedRightBlue(x, y, 32), format);

        using var images = ImageLoader.Load([path], ImagePreprocessing.None);
        Assert.Equal(new long[] { 1, 3, 16, 32 }, images.Input.shape);
        Assert.Equal(new long[] { 1, 3, 16, 32 }, images.Display.shape);
        Assert.Equal(ScalarType.Float32, images.Input.dtype);
        AssertPixel(images.Input, 8, 4, [1, 0, 0], tolerance);
        AssertPixel(images.Input, 8, 28, [0, 0, 1], tolerance);
        Assert.Equal(Path.GetFileName(path), images.FileNames[0]);
    }

    [Fact]
    public void LoadsTheFirstFrameOfAGif()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("red.gif"), TestImages.RedPixelGif);
        using var images = ImageLoader.Load([folder.File("red.gif")], ImagePreprocessing.None);
        Assert.Equal(new long[] { 1, 3, 1, 1 }, images.Input.shape);
        AssertPixel(images.Input, 0, 0, [1, 0, 0], 0);
    }

    [Fact]
    public void GreyModeUsesLuminanceAndDisplayRepeatsIt()
    {
        using var folder = new TempDirectory();
        var path = folder.File("red.png");
        TestImages.Write(path, 4, 4, (_, _) => Red, SKEncodedImageFormat.Png);
        using var images = ImageLoader.Load([path], ImagePreprocessing.None with { ColorMode = ColorMode.Grey });
        Assert.Equal(new long[] { 1, 1, 4, 4 }, images.Input.shape);
        Assert.Equal(new long[] { 1, 3, 4, 4 }, images.Display.shape);
        // round(0.299 * 255) = 76
        Assert.Equal(76f / 255f, images.Input[0, 0, 2, 2].item<float>(), 1e-6f);
        AssertPixel(images.Display, 2, 2, [76 / 255.0, 76 / 255.0, 76 / 255.0], 1e-6);
    }

    [Fact]
    public void GreyFilesBecomeThreeEqualChannelsInRgbMode()
    {
        using var folder = new TempDirectory();
        var path = folder.File("grey.png");
        TestImages.WriteGreyPng(path, 5, 3, (x, _) => (byte)(x * 50));
        using var images = ImageLoader.Load([path], ImagePreprocessing.None);
        Assert.Equal(new long[] { 1, 3, 3, 5 }, images.Input.shape);
        AssertPixel(images.Input, 1, 4, [200 / 255.0, 200 / 255.0, 200 / 255.0], 1e-6);
    }

    [Fact]
    public void ResizesTheShorterSideThenCropsTheCentre()
    {
        using var folder = new TempDirectory();
        var path = folder.File("wide.png");
        TestImages.Write(path, 40, 20, (x, y) => LeftRedRightBlue(x, y, 40), SKEncodedImageFormat.Png);

        using (var resized = ImageLoader.Load([path], ImagePreprocessing.None with { Resize = 10 }))
        {
            Assert.Equal(new long[] { 1, 3, 10, 20 }, resized.Input.shape);
        }

        using (var square = ImageLoader.Load([path], ImagePreprocessing.None with { Resize = 10, CenterCrop = 8 }))
        {
            Assert.Equal(new long[] { 1, 3, 8, 8 }, square.Input.shape);
            // Columns 6..13 of the 20-wide image: left half red, right half blue.
            AssertPixel(square.Display, 4, 0, [1, 0, 0], 1e-6);
            AssertPixel(square.Display, 4, 7, [0, 0, 1], 1e-6);
        }

        using var rectangle = ImageLoader.Load([path], ImagePreprocessing.None with { CenterCrop = new CropSize(4, 6) });
        Assert.Equal(new long[] { 1, 3, 4, 6 }, rectangle.Input.shape);
    }

    [Fact]
    public void DownscalingIsAntialiased()
    {
        // Thin bright columns exactly where plain bilinear would sample (3, 4, 11, 12 of 16): without antialiasing
        // the 2x2 result would be white; an antialiased filter averages them with their dark neighbours.
        using var folder = new TempDirectory();
        var path = folder.File("stripes.png");
        TestImages.Write(path, 16, 16, (x, _) => x is 3 or 4 or 11 or 12 ? SKColors.White : SKColors.Black, SKEncodedImageFormat.Png);
        using var images = ImageLoader.Load([path], ImagePreprocessing.None with { Resize = 2 });
        Assert.Equal(new long[] { 1, 3, 2, 2 }, images.Input.shape);
        var value = images.Input[0, 0, 0, 0].item<float>();
        Assert.InRange(value, 0.1f, 0.6f);
    }

    [Fact]
    public void ImageNetPresetNormalizesWithMeanAndStd()
    {
        using var folder = new TempDirectory();
        var path = folder.File("solid.jpg");
        TestImages.Write(path, 300, 260, (_, _) => new SKColor(128, 64, 255), SKEncodedImageFormat.Png);
        var preset = ImagePreprocessing.ImageNet();
        Assert.Equal(256, preset.Resize);
        Assert.Equal(new CropSize(224, 224), preset.CenterCrop);

        using var images = ImageLoader.Load([path], preset);
        Assert.Equal(new long[] { 1, 3, 224, 224 }, images.Input.shape);
        var expected = new[] { (128 / 255.0 - 0.485) / 0.229, (64 / 255.0 - 0.456) / 0.224, (255 / 255.0 - 0.406) / 0.225 };
        AssertPixel(images.Input, 100, 100, expected, 1e-5);
        AssertPixel(images.Display, 100, 100, [128 / 255.0, 64 / 255.0, 1], 1e-6);
    }

    [Fact]
    public void GreyPresetGivesFashionMnistShapedInput()
    {
        using var folder = new TempDirectory();
        var path = folder.File("photo.jpg");
        TestImages.Write(path, 90, 60, (x, _) => new SKColor((byte)(x * 2), 100, 50), SKEncodedImageFormat.Jpeg, 90);
        using var images = ImageLoader.Load(path, ImagePreprocessing.Grey(28));
        Assert.Equal(new long[] { 1, 1, 28, 28 }, images.Input.shape);
        Assert.Equal(new long[] { 1, 3, 28, 28 }, images.Display.shape);
        Assert.InRange(images.Input.min().item<float>(), 0f, 1f);
        Assert.InRange(images.Input.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void CustomScaleAndSingleMeanApplyToEveryChannel()
    {
        using var folder = new TempDirectory();
        var path = folder.File("solid.png");
        TestImages.Write(path, 2, 2, (_, _) => new SKColor(10, 20, 30), SKEncodedImageFormat.Png);
        var p = new ImagePreprocessing { Scale = 1, Mean = [10], Std = [2] };
        using var images = ImageLoader.Load([path], p);
        AssertPixel(images.Input, 0, 0, [0, 5, 10], 1e-5);
    }

    [Fact]
    public void StacksSeveralImagesInOrder()
    {
        using var folder = new TempDirectory();
        TestImages.Write(folder.File("a.png"), 4, 4, (_, _) => Red, SKEncodedImageFormat.Png);
        TestImages.Write(folder.File("b.png"), 4, 4, (_, _) => Blue, SKEncodedImageFormat.Png);
        using var images = ImageLoader.Load([folder.File("a.png"), folder.File("b.png")], ImagePreprocessing.None);
        Assert.Equal(2, images.Count);
        Assert.Equal(["a.png", "b.png"], images.FileNames);
        Assert.Equal(1f, images.Input[1, 2, 0, 0].item<float>());
        Assert.Equal(0f, images.Input[1, 0, 0, 0].item<float>());
    }

    [Fact]
    public void AppliesExifOrientation()
    {
        using var folder = new TempDirectory();
        var plain = folder.File("plain.jpg");
        TestImages.Write(plain, 16, 8, (x, y) => LeftRedRightBlue(x, y, 16), SKEncodedImageFormat.Jpeg);
        var rotated = folder.File("rotated.jpg");
        // Orientation 6: the camera was turned; display needs a 90 degree clockwise turn, so the left half goes on top.
        File.WriteAllBytes(rotated, TestImages.WithExifOrientation(File.ReadAllBytes(plain), 6));
        using var images = ImageLoader.Load([rotated], ImagePreprocessing.None);
        Assert.Equal(new long[] { 1, 3, 16, 8 }, images.Input.shape);
        AssertPixel(images.Display, 2, 4, [1, 0, 0], 0.08);
        AssertPixel(images.Display, 13, 4, [0, 0, 1], 0.08);
    }

    [Fact]
    public void DifferentSizesWithoutResizeAreAnErrorAskingForASize()
    {
        using var folder = new TempDirectory();
        TestImages.Write(folder.File("a.png"), 4, 4, (_, _) => Red, SKEncodedImageFormat.Png);
        TestImages.Write(folder.File("b.png"), 5, 4, (_, _) => Red, SKEncodedImageFormat.Png);
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("a.png"), folder.File("b.png")], ImagePreprocessing.None));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("b.png", e.Message);
        Assert.Contains("Resize", e.Message);
    }

    [Fact]
    public void TruncatedImageIsAnInputError()
    {
        using var folder = new TempDirectory();
        var path = folder.File("cut.png");
        TestImages.Write(path, 64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)), SKEncodedImageFormat.Png);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([path], ImagePreprocessing.None));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("cut.png", e.Message);
    }

    [Fact]
    public void TextFileNamedPngIsAnInputError()
    {
        using var folder = new TempDirectory();
        var path = folder.File("notes.png");
        File.WriteAllText(path, "this is not an image\n");
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([path], ImagePreprocessing.None));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("notes.png", e.Message);
    }

    [Fact]
    public void MissingAndEmptyFilesAreInputErrors()
    {
        using var folder = new TempDirectory();
        var missing = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("nope.png")], ImagePreprocessing.None));
        Assert.Equal(ErrorKind.InputData, missing.Kind);
        Assert.Contains("nope.png", missing.Message);

        File.WriteAllBytes(folder.File("empty.jpg"), []);
        var empty = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("empty.jpg")], ImagePreprocessing.None));
        Assert.Contains("empty.jpg", empty.Message);
    }

    [Fact]
    public void HugeDimensionsAreRejectedFromTheHeaderBeforeDecoding()
    {
        using var folder = new TempDirectory();
        var path = folder.File("bomb.png");
        File.WriteAllBytes(path, TestImages.PngHeaderOnly(100_000, 100_000));
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([path], ImagePreprocessing.None));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("bomb.png", e.Message);
        Assert.Contains("100000x100000", e.Message);

        TestImages.Write(folder.File("small.png"), 8, 6, (_, _) => Red, SKEncodedImageFormat.Png);
        var limited = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("small.png")], ImagePreprocessing.None with { MaxImageSide = 4 }));
        Assert.Contains("MaxImageSide", limited.Message);
    }

    [Fact]
    public void CropLargerThanTheImageIsAnInputError()
    {
        using var folder = new TempDirectory();
        TestImages.Write(folder.File("small.png"), 8, 6, (_, _) => Red, SKEncodedImageFormat.Png);
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("small.png")], ImagePreprocessing.None with { CenterCrop = 7 }));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("Resize", e.Message);
    }

    [Fact]
    public void BadPreprocessingIsAUsageError()
    {
        using var folder = new TempDirectory();
        TestImages.Write(folder.File("a.png"), 4, 4, (_, _) => Red, SKEncodedImageFormat.Png);
        var greyWithRgbMean = ImagePreprocessing.ImageNet() with { ColorMode = ColorMode.Grey };
        var e = Assert.Throws<LumenException>(() => ImageLoader.Load([folder.File("a.png")], greyWithRgbMean));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("Mean", e.Message);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => ImageLoader.Load([], ImagePreprocessing.None)).Kind);
    }

    private static void AssertPixel(Tensor batch, int y, int x, double[] expected, double tolerance)
    {
        for (var c = 0; c < expected.Length; c++)
        {
            var actual = batch[0, c, y, x].item<float>();
            Assert.True(Math.Abs(actual - expected[c]) <= tolerance + 1e-7, $"channel {c} at ({x}, {y}): expected {expected[c]}, got {actual}");
        }
    }
}
