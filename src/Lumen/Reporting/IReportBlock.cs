using System.Text;

namespace Lumen.Reporting;

/// <summary>One piece of a report section (a paragraph, a table, a figure) that writes itself as HTML.</summary>
public interface IReportBlock
{
    /// <summary>Appends the block's HTML to <paramref name="html"/>; all text is escaped.</summary>
    void WriteHtml(StringBuilder html);
}
