using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// A picture in memory: <see cref="Width"/> x <see cref="Height"/> pixels, row-major, 3 bytes per pixel (R, G, B)
/// or 4 with alpha (R, G, B, A, not premultiplied). What the renderers return and what <see cref="SavePng"/> writes.
/// </summary>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>Wraps <paramref name="pixels"/> (not copied) as an image.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="pixels">Row-major bytes, <c>width * height * (hasAlpha ? 4 : 3)</c> of them.</param>
    /// <param name="hasAlpha">Whether each pixel has a fourth, alpha byte.</param>
    /// <exception cref="ArgumentException">The buffer length does not match the size.</exception>
    public RgbImage(int width, int height, byte[] pixels, bool hasAlpha = false)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var expected = (long)width * height * (hasAlpha ? 4 : 3);
        if (pixels.LongLength != expected)
        {
            throw new ArgumentException($"A {width}x{height} image needs {expected} bytes, not {pixels.LongLength}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        HasAlpha = hasAlpha;
        _pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Whether pixels carry an alpha byte.</summary>
    public bool HasAlpha { get; }

    /// <summary>3 (RGB) or 4 (RGBA).</summary>
    public int BytesPerPixel => HasAlpha ? 4 : 3;

    /// <summary>The pixel bytes, row-major.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The colour at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        var i = ((long)y * Width + x) * BytesPerPixel;
        return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
    }

    /// <summary>
    /// Makes an image from a float tensor [3, H, W] (or grey [1, H, W] or [H, W]) with values in [0, 1]: values
    /// are clamped, scaled by 255 and rounded. The tensor is not modified.
    /// </summary>
    /// <exception cref="LumenException">The shape is wrong (kind Usage) or the tensor holds NaN or infinity (kind InputData).</exception>
    public static RgbImage FromTensor(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var chw = image.dim() == 2 ? image.unsqueeze(0) : image;
        if (chw.dim() != 3 || (chw.shape[0] != 3 && chw.shape[0] != 1) || chw.shape[1] == 0 || chw.shape[2] == 0)
        {
            throw LumenException.Usage($"An image tensor must be [3, H, W], [1, H, W] or [H, W], not [{string.Join(", ", image.shape)}].");
        }

        var floats = chw.to_type(ScalarType.Float32).cpu();
        MapNormalization.ThrowIfNotFinite(floats);
        var bytes = floats.clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).expand(3, -1, -1).permute(1, 2, 0);
        return FromColors(bytes);
    }

    /// <summary>Makes an image from a uint8 tensor [H, W, 3] (copied out of native memory).</summary>
    internal static RgbImage FromColors(Tensor hwc)
    {
        using var contiguous = hwc.cpu().contiguous();
        var pixels = new byte[contiguous.numel()];
        contiguous.bytes.CopyTo(pixels);
        return new RgbImage((int)hwc.shape[1], (int)hwc.shape[0], pixels);
    }

    /// <summary>Makes one image per entry of a uint8 tensor [N, H, W, 3], with one copy out of native memory.</summary>
    internal static IReadOnlyList<RgbImage> SplitBatch(Tensor nhwc)
    {
        using var contiguous = nhwc.cpu().contiguous();
        int count = (int)nhwc.shape[0], height = (int)nhwc.shape[1], width = (int)nhwc.shape[2];
        int size = height * width * 3;
        var all = contiguous.bytes;
        var images = new RgbImage[count];
        for (int i = 0; i < count; i++)
        {
            images[i] = new RgbImage(width, height, all.Slice(i * size, size).ToArray());
        }

        return images;
    }

    /// <summary>Reads any image file SkiaSharp decodes (PNG, JPEG, BMP, WebP, GIF) as RGBA.</summary>
    /// <exception cref="LumenException">The file is missing, too large or not decodable (kind InputData).</exception>
    public static RgbImage Load(string path)
    {
        using var rgba = ImageDecoder.DecodeRgba(path, ImagePreprocessing.DefaultMaxImageSide);
        var pixels = new byte[rgba.numel()];
        rgba.bytes.CopyTo(pixels);
        return new RgbImage((int)rgba.shape[1], (int)rgba.shape[0], pixels, hasAlpha: true);
    }

    /// <summary>The same image with every pixel repeated <paramref name="factor"/> times in both directions (nearest neighbour).</summary>
    public RgbImage ScaleNearest(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        if (factor == 1)
        {
            return this;
        }

        var bpp = BytesPerPixel;
        var width = Width * factor;
        var result = new byte[(long)width * Height * factor * bpp];
        for (var y = 0; y < Height * factor; y++)
        {
            var source = (y / factor) * Width * bpp;
            var target = (long)y * width * bpp;
            for (var x = 0; x < width; x++)
            {
                Array.Copy(_pixels, source + (x / factor) * bpp, result, target + x * bpp, bpp);
            }
        }

        return new RgbImage(width, Height * factor, result, HasAlpha);
    }

    /// <summary>Encodes the image as PNG bytes.</summary>
    public byte[] EncodePng()
    {
        using var bitmap = ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new LumenException(ErrorKind.Internal, "SkiaSharp could not encode the image as PNG.");
        return data.ToArray();
    }

    /// <summary>
    /// Saves the image as a PNG file. The file is written to a temporary file in the same folder and renamed,
    /// so an interrupted run never leaves a truncated PNG.
    /// </summary>
    /// <exception cref="LumenException">The folder does not exist (kind Usage).</exception>
    public void SavePng(string path)
    {
        var png = EncodePng();
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>Copies the pixels into a new unpremultiplied RGBA SkiaSharp bitmap.</summary>
    internal SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var target = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var bpp = BytesPerPixel;
        for (var y = 0; y < Height; y++)
        {
            var row = target.Slice(y * rowBytes, Width * 4);
            var source = _pixels.AsSpan(y * Width * bpp, Width * bpp);
            for (var x = 0; x < Width; x++)
            {
                row[4 * x] = source[bpp * x];
                row[4 * x + 1] = source[bpp * x + 1];
                row[4 * x + 2] = source[bpp * x + 2];
                row[4 * x + 3] = HasAlpha ? source[bpp * x + 3] : (byte)255;
            }
        }

        return bitmap;
    }

    /// <summary>Copies an opaque RGBA bitmap's colour channels into a new RGB image.</summary>
    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        var width = bitmap.Width;
        var height = bitmap.Height;
        var pixels = new byte[width * height * 3];
        var source = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var bgra = bitmap.ColorType == SKColorType.Bgra8888;
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * rowBytes, width * 4);
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 3;
                pixels[o] = row[4 * x + (bgra ? 2 : 0)];
                pixels[o + 1] = row[4 * x + 1];
                pixels[o + 2] = row[4 * x + (bgra ? 0 : 2)];
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
