namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Occlusion's defaults that depend on the image, declared once: the window is a square of
/// max(2, round(side / 14)) pixels, where side is the image's shorter side (at most the side itself), and the stride
/// is half the window, at least 1. That is 16 and 8 on 224 x 224, 2 and 1 on 28 x 28, and always about 27 x 27
/// window positions per square image whatever its size.
/// </summary>
public static class OcclusionDefaults
{
    /// <summary>The divisor of the shorter side: the default window covers about 1/14 of it.</summary>
    public const int SideFraction = 14;

    /// <summary>The smallest default window in pixels.</summary>
    public const int MinimumWindow = 2;

    /// <summary>The default window as <c>lumen methods --verbose</c> describes it.</summary>
    public const string WindowFormula = "side/14, at least 2 (side = the shorter image side, rounded half up; 16 at 224, 2 at 28)";

    /// <summary>The default stride as <c>lumen methods --verbose</c> describes it.</summary>
    public const string StrideFormula = "half the window, at least 1 (8 at 224, 1 at 28)";

    /// <summary>The default window for an image of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public static WindowShape Window(int height, int width)
    {
        int side = Math.Min(height, width);
        int window = Math.Max(MinimumWindow, (int)Math.Round(side / (double)SideFraction, MidpointRounding.AwayFromZero));
        return WindowShape.Square(Math.Max(1, Math.Min(window, side)));
    }

    /// <summary>The default stride for <paramref name="window"/>: half of it in each dimension, at least 1.</summary>
    public static WindowShape Stride(WindowShape window) => new(Math.Max(1, window.Height / 2), Math.Max(1, window.Width / 2));
}
