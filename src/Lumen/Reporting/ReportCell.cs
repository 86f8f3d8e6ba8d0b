using Lumen.Imaging;

namespace Lumen.Reporting;

/// <summary>A table cell: text, or an image with a caption under it.</summary>
/// <param name="Text">The text (the caption when there is an image).</param>
/// <param name="Image">An image embedded as PNG, or null.</param>
/// <param name="Title">A tooltip, or null.</param>
public sealed record ReportCell(string Text, RgbImage? Image = null, string? Title = null)
{
    /// <summary>A text cell.</summary>
    public static implicit operator ReportCell(string text) => new(text);
}
