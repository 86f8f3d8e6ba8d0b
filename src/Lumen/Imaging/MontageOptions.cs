namespace Lumen.Imaging;

/// <summary>Layout and lettering of a <see cref="Montage"/>.</summary>
public sealed record MontageOptions
{
    /// <summary>Default options: white background, 13 px captions, small panels enlarged to at least 112 px.</summary>
    public static MontageOptions Default { get; } = new();

    /// <summary>A title drawn across the top, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// Panels whose longer side is shorter than this are enlarged by the smallest whole factor that reaches it,
    /// with nearest-neighbour sampling (a 28x28 image is shown at 4x as 112x112). 0 turns enlarging off.
    /// </summary>
    public int MinPanelSide { get; init; } = 112;

    /// <summary>Space in pixels around and between cells.</summary>
    public int Padding { get; init; } = 10;

    /// <summary>Caption text size in pixels.</summary>
    public float CaptionFontSize { get; init; } = 13;

    /// <summary>Title text size in pixels.</summary>
    public float TitleFontSize { get; init; } = 18;

    /// <summary>Most lines a caption may take; further text is cut with an ellipsis.</summary>
    public int MaxCaptionLines { get; init; } = 3;

    /// <summary>Background colour.</summary>
    public (byte R, byte G, byte B) Background { get; init; } = (255, 255, 255);

    /// <summary>Text colour.</summary>
    public (byte R, byte G, byte B) TextColor { get; init; } = (20, 20, 20);
}
