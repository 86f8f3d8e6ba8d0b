using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Decodes one image file (PNG, JPEG, BMP, WebP, GIF first frame, and whatever else SkiaSharp reads) into an
/// upright RGBA tensor, checking its size from the header before any pixels are decoded.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>
    /// Above this many pixels an image must bring at least one byte of file per <see cref="MaxPixelsPerByte"/>
    /// pixels; smaller images are always decoded.
    /// </summary>
    internal const long BombCheckPixels = 1L << 22;

    /// <summary>
    /// The most pixels one file byte can honestly describe: 8 one-bit pixels per raw byte times deflate's
    /// largest expansion (about 1032:1). A header claiming more is a decompression bomb or a corrupted file.
    /// </summary>
    internal const long MaxPixelsPerByte = 8 * 1032;

    /// <summary>Decodes <paramref name="path"/> into a uint8 tensor [H, W, 4] (R, G, B, A) with EXIF orientation applied.</summary>
    public static Tensor DecodeRgba(string path, int maxSide)
    {
        if (!File.Exists(path))
        {
            throw LumenException.InputData($"Image '{path}' was not found; check the path.");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw LumenException.InputData($"Image '{path}' is empty (0 bytes).");
        }

        SKData? data;
        try
        {
            data = SKData.Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LumenException.InputData($"Image '{path}' could not be read: {e.Message}", e);
        }

        using (data)
        {
            return Decode(data ?? throw LumenException.InputData($"Image '{path}' could not be read; check its permissions."), path, maxSide);
        }
    }

    /// <summary>Decodes an image held in memory; <paramref name="name"/> names it in error messages.</summary>
    internal static Tensor DecodeRgba(byte[] bytes, string name, int maxSide)
    {
        if (bytes.Length == 0)
        {
            throw LumenException.InputData($"Image '{name}' is empty (0 bytes).");
        }

        using var data = SKData.CreateCopy(bytes);
        return Decode(data, name, maxSide);
    }

    private static Tensor Decode(SKData data, string path, int maxSide)
    {
        var source = new SKMemoryStream(data);
        using var codec = SKCodec.Create(source, out var createResult);
        if (codec is null)
        {
            source.Dispose();
            throw LumenException.InputData($"Image '{path}' is not an image SkiaSharp can decode (PNG, JPEG, BMP, WebP, GIF): {Describe(createResult)}.");
        }

        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0)
        {
            throw LumenException.InputData($"Image '{path}' declares an empty size {width}x{height}.");
        }

        if (width > maxSide || height > maxSide)
        {
            throw LumenException.InputData($"Image '{path}' is {width}x{height} pixels, above the limit of {maxSide} per side; downscale it first or raise ImagePreprocessing.MaxImageSide.");
        }

        var pixels = (long)width * height;
        if (pixels > BombCheckPixels && pixels > data.Size * MaxPixelsPerByte)
        {
            throw LumenException.InputData($"Image '{path}' declares {width}x{height} pixels in only {data.Size} bytes, more than any image format can compress (a decompression bomb or a corrupted header); it was not decoded.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw LumenException.InputData($"Image '{path}' could not be decoded completely: {Describe(result)}; the file is probably truncated or corrupted.");
        }

        var rgba = torch.empty([height, width, 4], ScalarType.Byte);
        try
        {
            CopyRows(bitmap, rgba.bytes, width, height);
            return Orient(rgba, codec.EncodedOrigin);
        }
        catch
        {
            rgba.Dispose();
            throw;
        }
    }

    private static void CopyRows(SKBitmap bitmap, Span<byte> destination, int width, int height)
    {
        var source = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var packed = width * 4;
        if (rowBytes == packed)
        {
            source[..(packed * height)].CopyTo(destination);
            return;
        }

        for (var y = 0; y < height; y++)
        {
            source.Slice(y * rowBytes, packed).CopyTo(destination.Slice(y * packed, packed));
        }
    }

    /// <summary>Turns the stored pixel grid upright according to the EXIF orientation; disposes the input if it returns a new tensor.</summary>
    internal static Tensor Orient(Tensor hwc, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return hwc;
        }

        using (hwc)
        {
            using var scope = torch.NewDisposeScope();
            var upright = origin switch
            {
                SKEncodedOrigin.TopRight => hwc.flip(1),                         // mirrored horizontally
                SKEncodedOrigin.BottomRight => hwc.flip(0, 1),                   // rotated 180 degrees
                SKEncodedOrigin.BottomLeft => hwc.flip(0),                       // mirrored vertically
                SKEncodedOrigin.LeftTop => hwc.permute(1, 0, 2),                 // transposed
                SKEncodedOrigin.RightTop => hwc.permute(1, 0, 2).flip(1),        // needs 90 degrees clockwise
                SKEncodedOrigin.RightBottom => hwc.permute(1, 0, 2).flip(0, 1),  // transverse
                SKEncodedOrigin.LeftBottom => hwc.permute(1, 0, 2).flip(0),      // needs 90 degrees counter-clockwise
                _ => hwc.clone(),
            };
            return upright.contiguous().MoveToOuterDisposeScope();
        }
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the data ends early (incomplete input)",
        SKCodecResult.ErrorInInput => "the data is corrupted (error in input)",
        SKCodecResult.Unimplemented => "this format or variant is not supported",
        SKCodecResult.InvalidInput => "the data is not a recognised image format",
        _ => result.ToString(),
    };
}
