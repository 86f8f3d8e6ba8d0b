namespace Lumen.Imaging;

/// <summary>What one image may cost to decode, and how small it may be decoded.</summary>
/// <param name="MaxSide">The largest width or height accepted.</param>
/// <param name="MaxBytes">The memory one decoded image may take, including the float copies made of it.</param>
/// <param name="MinShorterSide">
/// When set, an image too large for <paramref name="MaxBytes"/> may be decoded at a reduced size whose shorter side
/// is still at least this many pixels (the preprocessing resizes it to that size anyway); when null, images are
/// decoded at full size or refused.
/// </param>
internal readonly record struct DecodeLimits(int MaxSide, long MaxBytes, int? MinShorterSide)
{
    /// <summary>The limits of <paramref name="preprocessing"/>: its side and memory limits, and its resize target.</summary>
    public static DecodeLimits Of(ImagePreprocessing preprocessing) =>
        new(preprocessing.MaxImageSide, preprocessing.DecodeBudget, preprocessing.Resize);

    /// <summary>Full-size decoding only, with the given side limit and the memory limit in effect.</summary>
    public static DecodeLimits FullSize(int maxSide) => new(maxSide, IO.InputLimits.MaxInputBytes, null);
}
