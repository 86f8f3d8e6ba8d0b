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

        using var codec = SKCodec.Create(path, out var createResult)
            ?? throw LumenException.InputData($"Image '{path}' is not an image SkiaSharp can decode (PNG, JPEG, BMP, WebP, GIF): {Describe(createResult)}.");

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
