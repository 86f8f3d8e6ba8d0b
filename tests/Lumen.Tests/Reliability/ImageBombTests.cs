using Lumen.Imaging;
using Lumen.IO;
using Lumen.Tests.Cli;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Images whose header promises more than memory allows, or more than their data holds, are budgeted from the header
/// before decoding: decoded at a reduced size when the model shrinks them anyway, refused otherwise, and a lying
/// header fails at the first row its data cannot provide.
/// </summary>
public class ImageBombTests
{
    private static readonly DecodeLimits DefaultLimits = new(ImagePreprocessing.DefaultMaxImageSide, InputLimits.DefaultMaxInputBytes, null);

    [Fact]
    public void TheDecodePlanIsComputedFromTheDeclaredSize()
    {
        var small = DefaultLimits with { MinShorterSide = 28 };
        Assert.Equal(1, DecodePlan.Factor(1000, 800, small, streams: true));
        // 16384² at 40 bytes a pixel is 10 GiB; reduced by 4 it is still 640 MiB, by 5 it is 410 MiB.
        Assert.Equal(5, DecodePlan.Factor(16384, 16384, small, streams: true));
        Assert.Null(DecodePlan.Factor(16384, 16384, small, streams: false));
        Assert.Null(DecodePlan.Factor(16384, 16384, DefaultLimits, streams: true));
        // The shorter side may not drop below the resize target: 16384 x 32 cannot be reduced at all for 28.
        Assert.Null(DecodePlan.Factor(16384, 16384 / 512, small with { MaxBytes = 1 << 20 }, streams: true));
    }

    [Fact]
    public void OneBitPngBombIsRefusedFromItsHeader()
    {
        using var folder = new TempDirectory();
        string path = folder.File("bomb.png");
        File.WriteAllBytes(path, HostileInputs.OneBitBomb(16384));
        Assert.True(new FileInfo(path).Length < 40_000, "the bomb should be a small file");

        var preprocessing = ImagePreprocessing.Grey(28) with { MaxDecodeBytes = InputLimits.DefaultMaxInputBytes };
        var error = Assert.Throws<LumenException>(() => ImageLoader.Load(path, preprocessing));

        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("is 16384x16384 pixels", error.Message);
        Assert.Contains("above the input memory limit of 512 MiB", error.Message);
        Assert.Contains("Png images cannot be decoded at a reduced size", error.Message);
        Assert.Contains(InputLimits.Variable, error.Message);
    }

    [Fact]
    public void BmpWhoseHeaderLiesAboutItsSizeFailsAtTheFirstMissingRow()
    {
        var bytes = HostileInputs.Bmp(16000, 16000, dataBytes: 40_000);

        // At full size it is over the limit before anything is decoded...
        var refused = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(bytes, "lying.bmp", DefaultLimits));
        Assert.Equal(ErrorKind.InputData, refused.Kind);
        Assert.Contains("decoding it needs about 9.5 GiB", refused.Message);

        // ...and with the limit raised, or reduced for a small model, it fails where its data ends.
        var raised = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(bytes, "lying.bmp", DefaultLimits with { MaxBytes = 16L << 30 }));
        Assert.Contains("its data ends or breaks at row 1 of 16000", raised.Message);
        var reduced = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(bytes, "lying.bmp", DefaultLimits with { MinShorterSide = 28 }));
        Assert.Equal(ErrorKind.InputData, reduced.Kind);
        Assert.Contains("truncated or corrupted", reduced.Message);
    }

    [Fact]
    public void PngWhoseDataEndsEarlyFailsAsTruncated()
    {
        var error = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(HostileInputs.LyingPng(3000, 40_000), "lying.png", DefaultLimits));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("could not be decoded completely", error.Message);
    }

    [Fact]
    public void BmpOverTheLimitIsDecodedReducedToTheMeanOfEachBlock()
    {
        var bytes = HostileInputs.Bmp(300, 200);
        // 300x200 costs 2.4 MB at 40 bytes a pixel; reduced by 2 600 kB, by 3 (100x67) 268 kB.
        var limits = DefaultLimits with { MaxBytes = 300_000, MinShorterSide = 28 };

        using var full = ImageDecoder.DecodeRgba(bytes, "gradient.bmp", DefaultLimits);
        using var reduced = ImageDecoder.DecodeRgba(bytes, "gradient.bmp", limits);

        Assert.Equal(new long[] { 67, 100, 4 }, reduced.shape);
        using var expected = BlockMeans(full, 3);
        Assert.True(expected.eq(reduced).all().item<bool>(), "each reduced pixel must be the rounded mean of its 3x3 block");
    }

    [Fact]
    public void JpegOverTheLimitIsDecodedReducedToTheMeanOfEachBlock()
    {
        using var bitmap = new SKBitmap(161, 120);
        for (int y = 0; y < 120; y++)
        {
            for (int x = 0; x < 161; x++) bitmap.SetPixel(x, y, new SKColor((byte)x, (byte)(2 * y), (byte)(x ^ y)));
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var bytes = data.ToArray();

        using var full = ImageDecoder.DecodeRgba(bytes, "photo.jpg", DefaultLimits);
        using var reduced = ImageDecoder.DecodeRgba(bytes, "photo.jpg", DefaultLimits with { MaxBytes = DecodePlan.Cost(81, 60, streams: true), MinShorterSide = 50 });

        Assert.Equal(new long[] { 60, 81, 4 }, reduced.shape);
        using var expected = BlockMeans(full, 2);
        Assert.True(expected.eq(reduced).all().item<bool>(), "each reduced pixel must be the rounded mean of its 2x2 block");
    }

    [Fact]
    public void WebpOverTheLimitIsDecodedAtTheSizeItsDecoderScalesTo()
    {
        using var bitmap = new SKBitmap(400, 300);
        for (int y = 0; y < 300; y++)
        {
            for (int x = 0; x < 400; x++) bitmap.SetPixel(x, y, new SKColor((byte)(x / 2), (byte)(y / 2), 90));
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Webp, 100);
        var bytes = data.ToArray();

        using var full = ImageDecoder.DecodeRgba(bytes, "photo.webp", DefaultLimits);
        using var scaled = ImageDecoder.DecodeRgba(bytes, "photo.webp", DefaultLimits with { MaxBytes = DecodePlan.Cost(200, 150, streams: false), MinShorterSide = 100 });

        Assert.Equal(new long[] { 150, 200, 4 }, scaled.shape);
        using var expected = BlockMeans(full, 2);
        double difference = (expected.to_type(ScalarType.Float32) - scaled.to_type(ScalarType.Float32)).abs().mean().item<float>();
        Assert.True(difference < 3, $"mean difference {difference} of 255 from the 2x2 block means");
    }

    [Fact]
    public void ImageLoaderGivesNearlyTheSameInputFromAReducedDecode()
    {
        using var folder = new TempDirectory();
        string path = folder.File("gradient.bmp");
        File.WriteAllBytes(path, HostileInputs.Bmp(300, 200));

        using var exact = ImageLoader.Load(path, ImagePreprocessing.Grey(28));
        using var reduced = ImageLoader.Load(path, ImagePreprocessing.Grey(28) with { MaxDecodeBytes = 300_000 });

        Assert.Equal(exact.Input.shape, reduced.Input.shape);
        // Reducing by 3 before the antialiased resize to 28 changes the filter, not the picture.
        double difference = (exact.Input - reduced.Input).abs().mean().item<float>();
        Assert.True(difference < 0.02, $"mean difference {difference} on a [0, 1] scale");
    }

    [Fact]
    public void CommandLineRefusesTheBombWithOneLine()
    {
        using var folder = new TempDirectory();
        string bomb = folder.File("bomb.png");
        File.WriteAllBytes(bomb, HostileInputs.OneBitBomb(16384));
        string lying = folder.File("lying.bmp");
        File.WriteAllBytes(lying, HostileInputs.Bmp(16000, 16000, dataBytes: 40_000));

        foreach (var (image, words) in new[] { (bomb, "is 16384x16384 pixels"), (lying, "truncated or corrupted") })
        {
            string output = folder.File("out");
            var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--image", image, "--method", "saliency", "--out", output);

            Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.Error}");
            string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
            Assert.Contains(words, line);
            Assert.False(Directory.Exists(output), "nothing may be written");
        }
    }

    /// <summary>The rounded mean of each <paramref name="factor"/>² block of an RGBA image [H, W, 4], partial blocks at the edges included.</summary>
    private static Tensor BlockMeans(Tensor rgba, int factor)
    {
        int height = (int)rgba.shape[0], width = (int)rgba.shape[1];
        int outHeight = (height + factor - 1) / factor, outWidth = (width + factor - 1) / factor;
        var source = rgba.data<byte>().ToArray();
        var result = new byte[outHeight * outWidth * 4];
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                for (int c = 0; c < 4; c++)
                {
                    long sum = 0, count = 0;
                    for (int y = oy * factor; y < Math.Min(height, (oy + 1) * factor); y++)
                    {
                        for (int x = ox * factor; x < Math.Min(width, (ox + 1) * factor); x++, count++) sum += source[(y * width + x) * 4 + c];
                    }

                    result[(oy * outWidth + ox) * 4 + c] = (byte)((sum + count / 2) / count);
                }
            }
        }

        return torch.tensor(result, [outHeight, outWidth, 4]);
    }
}
