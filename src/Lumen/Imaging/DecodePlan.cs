namespace Lumen.Imaging;

/// <summary>
/// Decides, from an image's declared size alone and before any pixel is decoded, whether it is decoded at full size,
/// reduced by an integer factor, or refused because even the smallest useful size would exceed the memory limit.
/// </summary>
internal static class DecodePlan
{
    /// <summary>
    /// The memory one decoded pixel costs on its way to model input, counted generously: the RGBA bytes the decoder
    /// writes (4), the float RGB copy (12), and the grey conversion's temporaries or, without a resize, the display
    /// copies (up to 24).
    /// </summary>
    public const long BytesPerDecodedPixel = 40;

    /// <summary>
    /// What a decoder that cannot stream rows (interlaced PNG, and formats decoded in one call) may hold besides the
    /// output: a full-size buffer of source pixels, at most 8 bytes each (16-bit RGBA).
    /// </summary>
    public const long SourceBytesPerPixel = 8;

    /// <summary>The memory needed to decode <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static long Cost(long width, long height, bool streams) =>
        width * height * (streams ? BytesPerDecodedPixel : BytesPerDecodedPixel + SourceBytesPerPixel);

    /// <summary>
    /// The smallest reduction factor (1 = full size) whose decoded size fits <see cref="DecodeLimits.MaxBytes"/>, or
    /// null when none does while keeping the shorter side at least <see cref="DecodeLimits.MinShorterSide"/>.
    /// </summary>
    /// <param name="width">The declared width.</param>
    /// <param name="height">The declared height.</param>
    /// <param name="limits">The limits.</param>
    /// <param name="streams">Whether the decoder can produce rows one at a time (needed to reduce while decoding).</param>
    public static int? Factor(int width, int height, DecodeLimits limits, bool streams)
    {
        if (Fits(width, height, limits, streams)) return 1;
        if (limits.MinShorterSide is not int needed || !streams) return null;
        int shorter = Math.Min(width, height);
        for (int factor = 2; shorter / factor >= needed; factor++)
        {
            if (Fits(Reduced(width, factor), Reduced(height, factor), limits, streams)) return factor;
        }

        return null;
    }

    /// <summary>Whether the size fits the memory limit, and its RGBA bytes fit one tensor span.</summary>
    public static bool Fits(long width, long height, DecodeLimits limits, bool streams) =>
        Cost(width, height, streams) <= limits.MaxBytes && width * height * 4 <= int.MaxValue;

    /// <summary>A side after reduction by <paramref name="factor"/>: partial blocks at the edge count as a pixel.</summary>
    public static int Reduced(int side, int factor) => (side + factor - 1) / factor;
}
