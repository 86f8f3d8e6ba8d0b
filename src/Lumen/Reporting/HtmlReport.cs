using System.Net;
using System.Text;
using Lumen.IO;
using Lumen.Imaging;

namespace Lumen.Reporting;

/// <summary>
/// A self-contained HTML report: one file with every image embedded as a data URI, its own style sheet, and no
/// external resource, readable offline in any browser.
/// </summary>
public sealed class HtmlReport
{
    private readonly List<ReportSection> sections = [];

    /// <summary>Starts a report titled <paramref name="title"/>.</summary>
    public HtmlReport(string title, string? subtitle = null)
    {
        Title = title;
        Subtitle = subtitle;
    }

    /// <summary>The page title and main heading.</summary>
    public string Title { get; }

    /// <summary>A line under the heading, or null.</summary>
    public string? Subtitle { get; }

    /// <summary>The sections, in order.</summary>
    public IReadOnlyList<ReportSection> Sections => sections;

    /// <summary>Appends a new section and returns it.</summary>
    public ReportSection AddSection(string title)
    {
        var section = new ReportSection(title);
        sections.Add(section);
        return section;
    }

    /// <summary>The whole page.</summary>
    public string Render()
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(WebUtility.HtmlEncode(Title)).AppendLine("</title>");
        html.Append("<style>").Append(ReportStyle.Css).AppendLine("</style></head><body>");
        html.Append("<header><h1>").Append(WebUtility.HtmlEncode(Title)).AppendLine("</h1>");
        if (Subtitle is not null) html.Append("<p class=\"subtitle\">").Append(WebUtility.HtmlEncode(Subtitle)).AppendLine("</p>");
        if (sections.Count > 1)
        {
            html.Append("<nav>");
            for (var i = 0; i < sections.Count; i++)
            {
                html.Append($"<a href=\"#s{i + 1}\">").Append(WebUtility.HtmlEncode(sections[i].Title)).Append("</a>");
            }

            html.AppendLine("</nav>");
        }

        html.AppendLine("</header><main>");
        for (var i = 0; i < sections.Count; i++)
        {
            html.Append($"<section id=\"s{i + 1}\"><h2>").Append(WebUtility.HtmlEncode(sections[i].Title)).AppendLine("</h2>");
            foreach (var block in sections[i].Blocks) block.WriteHtml(html);
            html.AppendLine("</section>");
        }

        html.AppendLine("</main>");
        html.Append("<footer>Made by Lumen on ").Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(".</footer>");
        html.Append("<script>").Append(ReportStyle.ImageCheckScript).AppendLine("</script>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> atomically (a temporary file renamed into place).</summary>
    public void Save(string path)
    {
        var text = Render();
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) OutputFolder.Prepare(folder);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
    }
}
