using System.Globalization;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// A plain grid: <see cref="Rows"/> x <see cref="Columns"/> rectangles of (nearly) equal size, numbered row by row.
/// Cell r of a dimension of D pixels spans ⌊r·D/R⌋ to ⌊(r+1)·D/R⌋ − 1, so sizes differ by at most one pixel.
/// </summary>
public sealed class GridSegmentation : ISegmentation
{
    /// <summary>Creates a grid; both counts must be positive.</summary>
    public GridSegmentation(int rows, int columns)
    {
        if (rows <= 0 || columns <= 0) throw LumenException.Usage($"grid {rows}x{columns}: expected positive numbers of rows and columns");
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Cells per column.</summary>
    public int Rows { get; }

    /// <summary>Cells per row.</summary>
    public int Columns { get; }

    /// <inheritdoc />
    public string Description => Rows == Columns
        ? string.Create(CultureInfo.InvariantCulture, $"grid:{Rows}")
        : string.Create(CultureInfo.InvariantCulture, $"grid:{Rows}x{Columns}");

    /// <inheritdoc />
    public int[] Segment(float[] pixels, int channels, int height, int width)
    {
        if (Rows > height || Columns > width)
            throw LumenException.Usage($"segmentation {Description} has more cells than the image has pixels ({height}x{width}); use fewer");
        var labels = new int[height * width];
        for (int r = 0; r < height; r++)
        {
            int cellRow = (int)((long)r * Rows / height);
            for (int c = 0; c < width; c++) labels[r * width + c] = cellRow * Columns + (int)((long)c * Columns / width);
        }
        return labels;
    }
}
