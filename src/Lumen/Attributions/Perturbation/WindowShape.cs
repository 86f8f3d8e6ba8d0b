using System.Globalization;

namespace Lumen.Attributions.Perturbation;

/// <summary>A rectangle size in pixels, rows x columns, written <c>8</c> (square) or <c>8x4</c> on the command line.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct WindowShape(int Height, int Width)
{
    /// <summary>A square.</summary>
    public static WindowShape Square(int side) => new(side, side);

    /// <summary>Parses <c>N</c> or <c>HxW</c> (positive whole numbers) for the setting <paramref name="setting"/>.</summary>
    public static WindowShape Parse(string setting, string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        var sizes = parts.Select(part => int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray();
        if (parts.Length is 1 or 2 && sizes.All(size => size > 0))
            return parts.Length == 1 ? Square(sizes[0]) : new WindowShape(sizes[0], sizes[1]);
        throw LumenException.Usage($"--param {setting}={text}: expected a positive whole number of pixels or HEIGHTxWIDTH, e.g. 8 or 8x4");
    }

    /// <inheritdoc />
    public override string ToString() => Height == Width
        ? Height.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Height}x{Width}");
}
