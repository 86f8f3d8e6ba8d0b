namespace Lumen.Evaluation;

/// <summary>A rectangle of pixels: rows <see cref="Top"/> .. <see cref="Top"/> + <see cref="Height"/> − 1, likewise columns.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public sealed record RegionBox(int Top, int Left, int Height, int Width)
{
    /// <summary>The number of pixels inside.</summary>
    public int Area => Height * Width;

    /// <summary>Checks that the box is non-empty and lies inside an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <exception cref="LumenException">It does not (kind Usage).</exception>
    public void CheckInside(long height, long width)
    {
        if (Height < 1 || Width < 1 || Top < 0 || Left < 0 || Top + Height > height || Left + Width > width)
        {
            throw LumenException.Usage($"box (top {Top}, left {Left}, {Height}x{Width}) does not lie inside the {width}x{height} image");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"rows {Top}-{Top + Height - 1}, columns {Left}-{Left + Width - 1}";
}
