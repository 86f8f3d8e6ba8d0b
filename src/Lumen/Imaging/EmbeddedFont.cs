using SkiaSharp;

namespace Lumen.Imaging;

/// <summary>
/// The typeface used for captions: DejaVu Sans, embedded in the assembly (resource
/// <c>Lumen.Imaging.Fonts.DejaVuSans.ttf</c>, licence in <c>Imaging/Fonts/DejaVuSans-LICENSE.txt</c>), so text
/// renders the same on machines without system fonts or fontconfig.
/// </summary>
internal static class EmbeddedFont
{
    /// <summary>The manifest resource name of the embedded TTF.</summary>
    public const string ResourceName = "Lumen.Imaging.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Lazy = new(Load);

    /// <summary>DejaVu Sans, loaded once.</summary>
    public static SKTypeface Typeface => Lazy.Value;

    private static SKTypeface Load()
    {
        using var stream = typeof(EmbeddedFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new LumenException(ErrorKind.Internal, $"The embedded font {ResourceName} is missing from the Lumen assembly; the build is broken.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var data = SKData.CreateCopy(memory.ToArray());
        return SKTypeface.FromData(data)
            ?? throw new LumenException(ErrorKind.Internal, $"SkiaSharp could not load the embedded font {ResourceName}.");
    }
}
