using SkiaSharp;

namespace Lumen.Imaging;

/// <summary>
/// Arranges pictures in a grid with a caption under each and an optional title, for example the input images
/// next to their heatmaps for several methods. Text uses the embedded DejaVu Sans font, so it renders the same
/// on any machine.
/// </summary>
public static class Montage
{
    /// <summary>Lays out <paramref name="panels"/> row by row, <paramref name="columns"/> per row.</summary>
    /// <param name="panels">The pictures and captions, in reading order.</param>
    /// <param name="columns">Panels per row (more than the number of panels gives a single row).</param>
    /// <param name="options">Layout and lettering; null for <see cref="MontageOptions.Default"/>.</param>
    /// <returns>The whole montage as one image.</returns>
    /// <exception cref="LumenException">No panels, or columns or sizes that are not positive (kind Usage).</exception>
    public static RgbImage Create(IReadOnlyList<MontagePanel> panels, int columns, MontageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        options ??= MontageOptions.Default;
        Validate(panels, columns, options);

        columns = Math.Min(columns, panels.Count);
        var rows = (panels.Count + columns - 1) / columns;
        var images = panels.Select(p => p.Image.ScaleNearest(EnlargeFactor(p.Image, options.MinPanelSide))).ToList();
        var cellWidth = images.Max(i => i.Width);
        var cellHeight = images.Max(i => i.Height);
        var pad = options.Padding;

        using var captionFont = MakeFont(options.CaptionFontSize);
        using var titleFont = MakeFont(options.TitleFontSize);
        var captionLines = panels.Select(p => Wrap(p.Caption, captionFont, cellWidth, options.MaxCaptionLines)).ToList();
        var lineHeight = (int)Math.Ceiling(captionFont.Spacing);
        var captionHeight = captionLines.Max(l => l.Count) * lineHeight;
        var captionGap = captionHeight > 0 ? pad / 2 : 0;

        var width = columns * cellWidth + (columns + 1) * pad;
        var titleLines = options.Title is { Length: > 0 } title
            ? Wrap(title, titleFont, width - 2 * pad, 4)
            : [];
        var titleLineHeight = (int)Math.Ceiling(titleFont.Spacing);
        var titleHeight = titleLines.Count > 0 ? titleLines.Count * titleLineHeight + pad : 0;
        var rowHeight = cellHeight + captionGap + captionHeight + pad;
        var height = pad + titleHeight + rows * rowHeight;

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var textPaint = new SKPaint { Color = ToColor(options.TextColor), IsAntialias = true })
        {
            canvas.Clear(ToColor(options.Background));
            for (var i = 0; i < titleLines.Count; i++)
            {
                var baseline = pad - titleFont.Metrics.Ascent + i * titleLineHeight;
                canvas.DrawText(titleLines[i], width / 2f, baseline, SKTextAlign.Center, titleFont, textPaint);
            }

            for (var i = 0; i < images.Count; i++)
            {
                var column = i % columns;
                var row = i / columns;
                var cellX = pad + column * (cellWidth + pad);
                var cellY = pad + titleHeight + row * rowHeight;
                var image = images[i];
                using (var panelBitmap = image.ToBitmap())
                using (var panel = SKImage.FromBitmap(panelBitmap))
                {
                    var x = cellX + (cellWidth - image.Width) / 2;
                    var y = cellY + (cellHeight - image.Height) / 2;
                    // Drawn at its own size: sampling never blends pixels, nearest keeps it exact.
                    canvas.DrawImage(panel, x, y, new SKSamplingOptions(SKFilterMode.Nearest));
                }

                var lines = captionLines[i];
                for (var l = 0; l < lines.Count; l++)
                {
                    var baseline = cellY + cellHeight + captionGap - captionFont.Metrics.Ascent + l * lineHeight;
                    canvas.DrawText(lines[l], cellX + cellWidth / 2f, baseline, SKTextAlign.Center, captionFont, textPaint);
                }
            }

            canvas.Flush();
        }

        return RgbImage.FromBitmap(bitmap);
    }

    private static void Validate(IReadOnlyList<MontagePanel> panels, int columns, MontageOptions options)
    {
        if (panels.Count == 0)
        {
            throw LumenException.Usage("A montage needs at least one panel.");
        }

        if (panels.Any(p => p is null || p.Image is null))
        {
            throw LumenException.Usage("Every montage panel needs an image.");
        }

        if (columns <= 0)
        {
            throw LumenException.Usage($"A montage needs at least one column, not {columns}.");
        }

        if (options.Padding < 0 || options.MinPanelSide < 0 || options.MaxCaptionLines <= 0
            || !(options.CaptionFontSize > 0) || !(options.TitleFontSize > 0))
        {
            throw LumenException.Usage("Montage options need padding and minimum panel side >= 0, and positive font sizes and caption lines.");
        }
    }

    private static int EnlargeFactor(RgbImage image, int minSide)
    {
        var longer = Math.Max(image.Width, image.Height);
        return longer >= minSide ? 1 : (minSide + longer - 1) / longer;
    }

    private static SKFont MakeFont(float size) => new(EmbeddedFont.Typeface, size)
    {
        Edging = SKFontEdging.Antialias,
        Subpixel = true,
        Hinting = SKFontHinting.Slight,
    };

    /// <summary>Splits text into lines no wider than <paramref name="maxWidth"/>, breaking at spaces where possible.</summary>
    internal static List<string> Wrap(string? text, SKFont font, float maxWidth, int maxLines)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return lines;
        }

        foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var current = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (font.MeasureText(candidate) <= maxWidth)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (current.Length > 1 && font.MeasureText(current) > maxWidth)
                {
                    var fit = FitPrefix(current, font, maxWidth);
                    lines.Add(current[..fit]);
                    current = current[fit..];
                }
            }

            lines.Add(current);
        }

        if (lines.Count > maxLines)
        {
            lines = lines.Take(maxLines).ToList();
            lines[^1] = Ellipsize(lines[^1] + "…", font, maxWidth);
        }

        return lines;
    }

    private static int FitPrefix(string text, SKFont font, float maxWidth)
    {
        var n = 1;
        while (n < text.Length && font.MeasureText(text[..(n + 1)]) <= maxWidth)
        {
            n++;
        }

        return n;
    }

    private static string Ellipsize(string text, SKFont font, float maxWidth)
    {
        while (text.Length > 1 && font.MeasureText(text) > maxWidth)
        {
            text = text[..^2] + "…";
        }

        return text;
    }

    private static SKColor ToColor((byte R, byte G, byte B) c) => new(c.R, c.G, c.B);
}
