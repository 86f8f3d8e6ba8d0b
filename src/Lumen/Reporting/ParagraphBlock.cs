using System.Net;
using System.Text;

namespace Lumen.Reporting;

/// <summary>A paragraph of plain text.</summary>
/// <param name="Text">The text; it is HTML-escaped.</param>
public sealed record ParagraphBlock(string Text) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html) => html.Append("<p>").Append(WebUtility.HtmlEncode(Text)).AppendLine("</p>");
}
