using Lumen.IO;
using Lumen.Runtime;
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

    /// <summary>Decodes <paramref name="path"/> at full size into a uint8 tensor [H, W, 4] (R, G, B, A) with EXIF orientation applied.</summary>
    public static Tensor DecodeRgba(string path, int maxSide) => DecodeRgba(path, DecodeLimits.FullSize(maxSide));

    /// <summary>
    /// Decodes <paramref name="path"/> into a uint8 tensor [H, W, 4] (R, G, B, A) with EXIF orientation applied, at full
    /// size or, when <paramref name="limits"/> allow and the full size would not fit their memory limit, reduced.
    /// </summary>
    public static Tensor DecodeRgba(string path, DecodeLimits limits)
    {
        InputFile.RequireFile(path, "Image", "image.png");
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
            return Decode(data ?? throw LumenException.InputData($"Image '{path}' could not be read; check its permissions."), path, limits);
        }
    }

    /// <summary>Decodes an image held in memory at full size; <paramref name="name"/> names it in error messages.</summary>
    internal static Tensor DecodeRgba(byte[] bytes, string name, int maxSide) => DecodeRgba(bytes, name, DecodeLimits.FullSize(maxSide));

    /// <summary>Decodes an image held in memory; <paramref name="name"/> names it in error messages.</summary>
    internal static Tensor DecodeRgba(byte[] bytes, string name, DecodeLimits limits)
    {
        if (bytes.Length == 0)
        {
            throw LumenException.InputData($"Image '{name}' is empty (0 bytes).");
        }

        using var data = SKData.CreateCopy(bytes);
        return Decode(data, name, limits);
    }

    private static Tensor Decode(SKData data, string path, DecodeLimits limits)
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

        if (width > limits.MaxSide || height > limits.MaxSide)
        {
            throw LumenException.InputData($"Image '{path}' is {width}x{height} pixels, above the limit of {limits.MaxSide} per side; downscale it first or raise ImagePreprocessing.MaxImageSide.");
        }

        var pixels = (long)width * height;
        if (pixels > BombCheckPixels && pixels > data.Size * MaxPixelsPerByte)
        {
            throw LumenException.InputData($"Image '{path}' declares {width}x{height} pixels in only {data.Size} bytes, more than any image format can compress (a decompression bomb or a corrupted header); it was not decoded.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        // Interlaced PNGs could report row-by-row decoding but buffer the whole image inside the decoder first.
        var streams = !IsInterlacedPng(data.AsSpan()) && codec.StartScanlineDecode(info) == SKCodecResult.Success;
        Tensor rgba;
        if (DecodePlan.Factor(width, height, limits, streams) is int factor)
        {
            rgba = streams ? ScanlineDecoder.Read(codec, info, factor, path) : DecodeWhole(codec, info, path);
        }
        else if (NativelyScaled(codec, limits) is SKImageInfo scaled)
        {
            rgba = DecodeWhole(codec, scaled, path);
        }
        else
        {
            throw TooLarge(path, codec.EncodedFormat, width, height, limits, streams);
        }

        return Orient(rgba, codec.EncodedOrigin);
    }

    /// <summary>
    /// For a decoder that cannot give rows one at a time but scales while decoding (WebP): the reduced size a
    /// row-by-row decoder would use, when the decoder offers it (or a smaller size still large enough); else null.
    /// </summary>
    private static SKImageInfo? NativelyScaled(SKCodec codec, DecodeLimits limits)
    {
        int width = codec.Info.Width, height = codec.Info.Height;
        if (limits.MinShorterSide is not int needed || DecodePlan.Factor(width, height, limits, streams: true) is not int factor) return null;
        var size = codec.GetScaledDimensions(1f / factor);
        bool smaller = size.Width > 0 && size.Height > 0 && size.Width < width && size.Height < height;
        return smaller && Math.Min(size.Width, size.Height) >= needed && DecodePlan.Fits(size.Width, size.Height, limits, streams: false)
            ? new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul)
            : null;
    }

    /// <summary>
    /// Decodes the whole image (at <paramref name="info"/>'s size) for decoders that cannot give rows one at a time.
    /// Incremental decoding is preferred: it stops where the data ends without filling the rest, so memory is
    /// touched only for the rows the file really holds.
    /// </summary>
    private static Tensor DecodeWhole(SKCodec codec, SKImageInfo info, string path)
    {
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            throw LumenException.InputData($"Image '{path}' needs {ByteCount.Describe(info.BytesSize64)} of pixels, which could not be allocated; downscale it first.");
        }

        var result = codec.StartIncrementalDecode(info, bitmap.GetPixels(), bitmap.RowBytes);
        var rows = -1;
        if (result == SKCodecResult.Success)
        {
            result = codec.IncrementalDecode(out rows);
        }
        else
        {
            result = codec.GetPixels(info, bitmap.GetPixels());
        }

        if (result != SKCodecResult.Success)
        {
            var where = rows >= 0 && rows < info.Height ? $" after {rows} of {info.Height} rows" : "";
            throw LumenException.InputData($"Image '{path}' could not be decoded completely: {Describe(result)}{where}; the file is probably truncated or corrupted.");
        }

        var rgba = torch.empty([info.Height, info.Width, 4], ScalarType.Byte);
        try
        {
            CopyRows(bitmap, rgba.bytes, info.Width, info.Height);
            return rgba;
        }
        catch
        {
            rgba.Dispose();
            throw;
        }
    }

    private static LumenException TooLarge(string path, SKEncodedImageFormat format, int width, int height, DecodeLimits limits, bool streams)
    {
        var why = !streams
            ? $" ({format} images{(format == SKEncodedImageFormat.Png ? "" : " of this kind")} cannot be decoded at a reduced size here)"
            : limits.MinShorterSide is int shorter ? $", even reduced as far as the preprocessing allows (shorter side {shorter})" : "";
        return LumenException.InputData(
            $"Image '{path}' is {width}x{height} pixels; decoding it needs about {ByteCount.Describe(DecodePlan.Cost(width, height, streams))}, " +
            $"above the input memory limit of {ByteCount.Describe(limits.MaxBytes)}{why}; downscale the image first, or {InputLimits.HowToRaise} " +
            "or ImagePreprocessing.MaxDecodeBytes.");
    }

    /// <summary>Whether the bytes are a PNG whose header declares Adam7 interlacing.</summary>
    private static bool IsInterlacedPng(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 28 && bytes[..8].SequenceEqual(PngSignature) && bytes.Slice(12, 4).SequenceEqual("IHDR"u8) && bytes[28] == 1;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

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
