namespace Lumen.Reporting;

/// <summary>The report's style sheet and its one script.</summary>
internal static class ReportStyle
{
    public const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
        header { background: #1f2937; color: #f9fafb; padding: 18px 28px 10px; }
        header h1 { margin: 0 0 4px; font-size: 26px; }
        .subtitle { margin: 0 0 8px; color: #d1d5db; }
        nav a { color: #93c5fd; margin-right: 16px; text-decoration: none; font-size: 14px; }
        main { padding: 8px 28px 28px; max-width: 1400px; }
        section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 4px 20px 16px; margin: 18px 0; }
        h2 { font-size: 20px; border-bottom: 1px solid #e5e7eb; padding-bottom: 6px; }
        p { line-height: 1.5; max-width: 80em; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: center; vertical-align: top; font-size: 13px; }
        th { background: #f3f4f6; }
        td img, figure img { image-rendering: pixelated; display: block; margin: 0 auto; max-width: 100%; height: auto; }
        .caption { font-size: 12px; color: #4b5563; margin-top: 2px; }
        figure { margin: 10px 0; }
        figcaption { font-size: 13px; color: #4b5563; }
        footer { color: #6b7280; font-size: 12px; padding: 0 28px 20px; }
        """;

    /// <summary>Marks the body with how many images decoded ("loaded/total"), for automated checks.</summary>
    public const string ImageCheckScript = """
        window.addEventListener('load', function () {
          var images = Array.prototype.slice.call(document.images);
          var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
          document.body.setAttribute('data-images-loaded', loaded + '/' + images.length);
        });
        """;
}
