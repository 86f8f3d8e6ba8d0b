namespace Lumen.Imaging;

/// <summary>One picture in a <see cref="Montage"/> with the caption drawn under it (lines separated by '\n').</summary>
/// <param name="Image">The picture.</param>
/// <param name="Caption">The text under it; long lines are wrapped, and cut with an ellipsis after <see cref="MontageOptions.MaxCaptionLines"/> lines.</param>
public sealed record MontagePanel(RgbImage Image, string Caption = "");
