using System.Globalization;

namespace Lumen;

/// <summary>
/// Keeps text that comes from files (shapes, keys, names) short in error messages, so a hostile file cannot turn
/// the one-line message into megabytes.
/// </summary>
internal static class MessageText
{
    /// <summary>How many dimensions of a shape are spelled out before the rest is summarised.</summary>
    public const int ShownDimensions = 8;

    /// <summary>How many characters of file-derived text are quoted.</summary>
    public const int ShownCharacters = 80;

    /// <summary>
    /// The dimensions separated by commas, without brackets: "2, 1, 28, 28", or for long shapes the first
    /// <see cref="ShownDimensions"/> and a count: "1, 1, 1, 1, 1, 1, 1, 1, ... (60000 dims)".
    /// </summary>
    public static string Dimensions(IReadOnlyCollection<long> shape)
    {
        var shown = string.Join(", ", shape.Take(ShownDimensions).Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return shape.Count <= ShownDimensions ? shown : $"{shown}, ... ({shape.Count} dims)";
    }

    /// <summary>A shape in brackets: "[2, 1, 28, 28]"; long shapes are summarised as in <see cref="Dimensions"/>.</summary>
    public static string Shape(IReadOnlyCollection<long> shape) => $"[{Dimensions(shape)}]";

    /// <summary>
    /// <paramref name="text"/> itself when short, else its first <paramref name="length"/> characters followed by
    /// "... (N characters)".
    /// </summary>
    public static string Clip(string text, int length = ShownCharacters)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= length ? text : $"{text[..length]}... ({text.Length} characters)";
    }
}
