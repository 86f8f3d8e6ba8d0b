using Lumen.Imaging;
using SkiaSharp;

namespace Lumen.Embedding;

/// <summary>
/// Draws a 2-D embedding as a scatter plot PNG: points coloured by class with a legend naming the classes, or one
/// colour without labels; optionally small thumbnails of the images at a spread-out subset of the points.
/// Drawn with SkiaSharp and the embedded DejaVu Sans font (ScottPlot 5 needs SkiaSharp 2.88, this repository uses 3.x).
/// </summary>
public static class ScatterPlot
{
    // Tableau 10, then darker variants for more classes.
    private static readonly SKColor[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
    ];

    /// <summary>The colour of class <paramref name="index"/>.</summary>
    public static SKColor ColorOf(long index)
    {
        var baseColor = Palette[(int)(index % Palette.Length)];
        int shade = (int)(index / Palette.Length % 3);
        float f = shade == 0 ? 1f : shade == 1 ? 0.6f : 0.35f;
        return new SKColor((byte)(baseColor.Red * f), (byte)(baseColor.Green * f), (byte)(baseColor.Blue * f));
    }

    /// <summary>Renders the plot.</summary>
    /// <param name="embedding">[N, 2] row-major coordinates.</param>
    /// <param name="labels">One class id per point, or null.</param>
    /// <param name="classNames">Legend names by class id (missing names print the id).</param>
    /// <param name="title">A line above the plot.</param>
    /// <param name="thumbnails">Optional images (any size, RGB) drawn at up to <paramref name="maxThumbnails"/> spread-out points.</param>
    /// <param name="size">Side of the square plot area in pixels.</param>
    /// <param name="maxThumbnails">Largest number of thumbnails.</param>
    public static RgbImage Render(double[] embedding, IReadOnlyList<long>? labels, IReadOnlyList<string>? classNames, string title,
        Func<int, RgbImage>? thumbnails = null, int size = 900, int maxThumbnails = 300)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        int n = embedding.Length / 2;
        var classes = labels?.Distinct().Order().ToArray() ?? [];
        const int margin = 20, titleHeight = 40;
        int legendWidth = classes.Length > 0 ? 220 : 0;
        int width = margin * 2 + size + legendWidth, height = titleHeight + margin * 2 + size;
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var target = new SKBitmap(info);
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(EmbeddedFont.Typeface, 18);
        using var small = new SKFont(EmbeddedFont.Typeface, 15);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, margin, 28, SKTextAlign.Left, font, text);

        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, embedding[2 * i]); maxX = Math.Max(maxX, embedding[2 * i]);
            minY = Math.Min(minY, embedding[2 * i + 1]); maxY = Math.Max(maxY, embedding[2 * i + 1]);
        }

        double span = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-12);
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
        float PlotX(int i) => (float)(margin + size / 2.0 + (embedding[2 * i] - cx) / span * (size - 10));
        float PlotY(int i) => (float)(titleHeight + margin + size / 2.0 - (embedding[2 * i + 1] - cy) / span * (size - 10));

        using var frame = new SKPaint { Color = new SKColor(0xcc, 0xcc, 0xcc), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(margin, titleHeight + margin, size, size, frame);
        float radius = (float)Math.Clamp(6.0 / Math.Sqrt(Math.Max(1, n / 200.0)), 1.0, 5.0);
        byte alpha = (byte)Math.Clamp(255 * Math.Sqrt(2000.0 / Math.Max(n, 1)), 60, 230);
        using var dot = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        // Draw in a fixed pseudo-random order so no class is always on top.
        var order = Enumerable.Range(0, n).OrderBy(i => (uint)(i * 2654435761u)).ToArray();
        foreach (int i in order)
        {
            dot.Color = (labels is null ? Palette[0] : ColorOf(labels[i])).WithAlpha(alpha);
            canvas.DrawCircle(PlotX(i), PlotY(i), radius, dot);
        }

        if (thumbnails is not null)
        {
            DrawThumbnails(canvas, n, PlotX, PlotY, thumbnails, maxThumbnails, labels);
        }

        float ly = titleHeight + margin + 10;
        foreach (var c in classes)
        {
            dot.Color = ColorOf(c);
            canvas.DrawCircle(margin * 2 + size + 12, ly + 6, 7, dot);
            string name = classNames is not null && c >= 0 && c < classNames.Count ? classNames[(int)c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            canvas.DrawText(name, margin * 2 + size + 26, ly + 12, SKTextAlign.Left, small, text);
            ly += 24;
        }

        canvas.Flush();
        var pixels = new byte[width * height * 3];
        var source = target.GetPixelSpan();
        for (int p = 0; p < width * height; p++)
        {
            pixels[3 * p] = source[4 * p];
            pixels[3 * p + 1] = source[4 * p + 1];
            pixels[3 * p + 2] = source[4 * p + 2];
        }

        return new RgbImage(width, height, pixels);
    }

    private static void DrawThumbnails(SKCanvas canvas, int n, Func<int, float> px, Func<int, float> py, Func<int, RgbImage> thumbnails,
        int max, IReadOnlyList<long>? labels)
    {
        const float side = 28;
        var taken = new List<(float X, float Y)>();
        using var border = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = false };
        for (int i = 0; i < n && taken.Count < max; i += Math.Max(1, n / (max * 8)))
        {
            float x = px(i), y = py(i);
            if (taken.Any(t => Math.Abs(t.X - x) < side && Math.Abs(t.Y - y) < side)) continue;
            taken.Add((x, y));
            var thumb = thumbnails(i);
            using var bitmap = new SKBitmap(thumb.Width, thumb.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var dest = bitmap.GetPixelSpan();
            var src = thumb.Pixels;
            for (int p = 0; p < thumb.Width * thumb.Height; p++)
            {
                dest[4 * p] = src[thumb.BytesPerPixel * p];
                dest[4 * p + 1] = src[thumb.BytesPerPixel * p + 1];
                dest[4 * p + 2] = src[thumb.BytesPerPixel * p + 2];
                dest[4 * p + 3] = 255;
            }

            var rect = new SKRect(x - side / 2, y - side / 2, x + side / 2, y + side / 2);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, rect, new SKSamplingOptions(SKFilterMode.Nearest));
            border.Color = labels is null ? Palette[0] : ColorOf(labels[i]);
            canvas.DrawRect(rect, border);
        }
    }
}
