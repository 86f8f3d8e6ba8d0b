using System.Net;
using System.Text;
using Lumen.Imaging;

namespace Lumen.Reporting;

/// <summary>An image with a caption, embedded in the page as a PNG data URI.</summary>
/// <param name="Image">The picture.</param>
/// <param name="Caption">The caption; it is HTML-escaped.</param>
/// <param name="Width">Display width in CSS pixels, or null for the image's own width (at most the page width).</param>
public sealed record FigureBlock(RgbImage Image, string Caption, int? Width = null) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        html.Append("<figure>").Append(ImageTag(Image, Caption, Width));
        html.Append("<figcaption>").Append(WebUtility.HtmlEncode(Caption)).AppendLine("</figcaption></figure>");
    }

    /// <summary>An <c>img</c> tag holding <paramref name="image"/> as a base64 PNG, drawn without smoothing when enlarged.</summary>
    internal static string ImageTag(RgbImage image, string alt, int? width)
    {
        var size = width is int w ? $" width=\"{w}\"" : "";
        return $"<img{size} alt=\"{WebUtility.HtmlEncode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(image.EncodePng())}\">";
    }
}
