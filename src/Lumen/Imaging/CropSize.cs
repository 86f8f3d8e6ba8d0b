namespace Lumen.Imaging;

/// <summary>The height and width of a centre crop. An <see cref="int"/> converts to a square crop.</summary>
/// <param name="Height">Crop height in pixels.</param>
/// <param name="Width">Crop width in pixels.</param>
public readonly record struct CropSize(int Height, int Width)
{
    /// <summary>A square crop of <paramref name="size"/> by <paramref name="size"/> pixels.</summary>
    public static implicit operator CropSize(int size) => new(size, size);

    /// <summary>A square crop of <paramref name="size"/> by <paramref name="size"/> pixels.</summary>
    public static CropSize Square(int size) => new(size, size);

    /// <inheritdoc />
    public override string ToString() => $"{Height}x{Width}";
}
