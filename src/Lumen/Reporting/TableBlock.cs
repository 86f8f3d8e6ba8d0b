using System.Net;
using System.Text;

namespace Lumen.Reporting;

/// <summary>A table with a header row; cells hold text or images.</summary>
/// <param name="Header">The column titles.</param>
/// <param name="Rows">The rows, each with one cell per column.</param>
/// <param name="ImageWidth">Display width of images in cells, in CSS pixels.</param>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<ReportCell>> Rows, int ImageWidth = 160) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        html.AppendLine("<div class=\"scroll\"><table>");
        html.Append("<tr>");
        foreach (var title in Header) html.Append("<th>").Append(WebUtility.HtmlEncode(title)).Append("</th>");
        html.AppendLine("</tr>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell.Title is null ? "<td>" : $"<td title=\"{WebUtility.HtmlEncode(cell.Title)}\">");
                if (cell.Image is { } image)
                {
                    html.Append(FigureBlock.ImageTag(image, cell.Text, ImageWidth));
                    if (cell.Text.Length > 0) html.Append("<div class=\"caption\">").Append(WebUtility.HtmlEncode(cell.Text)).Append("</div>");
                }
                else
                {
                    html.Append(WebUtility.HtmlEncode(cell.Text));
                }

                html.Append("</td>");
            }

            html.AppendLine("</tr>");
        }

        html.AppendLine("</table></div>");
    }
}
