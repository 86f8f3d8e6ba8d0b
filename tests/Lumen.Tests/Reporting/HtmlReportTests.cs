using Lumen.Imaging;
using Lumen.Reporting;
using Xunit;

namespace Lumen.Tests.Reporting;

public sealed class HtmlReportTests
{
    [Fact]
    public void TextIsEscapedAndImagesAreEmbedded()
    {
        var report = new HtmlReport("a <b> & c");
        var image = new RgbImage(2, 2, new byte[12]);
        report.AddSection("one").Paragraph("x < y").Add(new TableBlock(["h"], [[new ReportCell("cap", image)]]));
        report.AddSection("two").Add(new FigureBlock(image, "fig"));
        var html = report.Render();
        Assert.Contains("<title>a &lt;b&gt; &amp; c</title>", html);
        Assert.Contains("<p>x &lt; y</p>", html);
        Assert.Equal(2, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("href=\"#s2\"", html);
    }

    [Fact]
    public void SavingReplacesTheFileWhole()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "sub", "index.html");
        new HtmlReport("first").Save(path);
        new HtmlReport("second").Save(path);
        Assert.Contains("<title>second</title>", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
