using System.Text.RegularExpressions;

namespace Lumen.Models.Weights;

/// <summary>
/// One of TorchVision's published ImageNet weight files for a Lumen architecture, named like TorchVision's weight
/// enums: <c>torchvision:resnet50.IMAGENET1K_V2</c>.
/// </summary>
/// <param name="Architecture">The catalog name of the architecture, e.g. <c>resnet50</c>.</param>
/// <param name="Name">TorchVision's weight name, e.g. <c>IMAGENET1K_V2</c>.</param>
/// <param name="FileName">The published file name, e.g. <c>resnet50-11ad3fa6.pth</c>; the hexadecimal part is the
/// start of the file's SHA-256.</param>
/// <param name="IsDefault">Whether TorchVision's <c>DEFAULT</c> for the architecture is this weight.</param>
/// <param name="ResizeSize">The shorter side TorchVision's transforms for these weights resize to before the
/// 224-pixel centre crop (256, or 232 for the IMAGENET1K_V2 recipes).</param>
public sealed partial record PretrainedWeight(string Architecture, string Name, string FileName, bool IsDefault, int ResizeSize)
{
    /// <summary>The prefix of every name: <c>torchvision:</c>.</summary>
    public const string Scheme = "torchvision:";

    /// <summary>The full name: <c>torchvision:ARCHITECTURE.NAME</c>.</summary>
    public string FullName => $"{Scheme}{Architecture}.{Name}";

    /// <summary>
    /// The start of the file's SHA-256 in lower-case hexadecimal, read from <see cref="FileName"/> as TorchVision's
    /// <c>check_hash</c> does (the digits between a '-' and the next '.').
    /// </summary>
    public string Sha256Prefix => HashInName().Match(FileName) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException($"{FileName} carries no hash prefix");

    /// <summary>
    /// The preprocessing TorchVision's transforms for these weights apply, given the architecture's
    /// <paramref name="architecture"/>: the same, with the shorter side resized to <see cref="ResizeSize"/>.
    /// </summary>
    public Lumen.Imaging.ImagePreprocessing PreprocessingFrom(Lumen.Imaging.ImagePreprocessing architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture with { Resize = ResizeSize };
    }

    [GeneratedRegex("-([a-f0-9]+)\\.")]
    private static partial Regex HashInName();
}
