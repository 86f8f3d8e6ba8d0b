using System.Globalization;
using Lumen.Imaging;
using Lumen.IO;
using Lumen.Models;
using TorchSharp;

namespace Lumen.Cli.Commands;

/// <summary>
/// Parses <c>--target</c>: <c>predicted</c>; a class for all images (<c>3</c>) or one per image (<c>3,5,1</c>); a sum of
/// classes for multi-label models (<c>3+7</c> for all images, <c>3+7,2,5</c> per image); a segmentation class over its
/// predicted pixels (<c>seg:2</c>) or over a mask file (<c>seg:2:mask.npy</c>, an [H, W] or [N, H, W] array, non-zero
/// inside the mask).
/// </summary>
public static class TargetOption
{
    /// <summary>The help text of the option, the same for every command.</summary>
    public const string Description = "'predicted', a class for all images, one class per image separated by commas, classes summed with + (multi-label: 3+7), or a segmentation class seg:K (its predicted pixels) or seg:K:MASK.npy";

    private const string Expected = "expected 'predicted', a class index, one class index per image separated by commas, classes joined by + (e.g. 3+7), or seg:CLASS[:MASK.npy]";

    /// <summary>The target the text names.</summary>
    public static Target Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("predicted", StringComparison.OrdinalIgnoreCase)) return Target.Predicted;
        if (trimmed.StartsWith("seg:", StringComparison.OrdinalIgnoreCase)) return Segmentation(text, trimmed[4..]);
        var sets = trimmed.Split(',', StringSplitOptions.TrimEntries).Select(part => ClassSet(text, part)).ToList();
        if (sets.All(set => set.Length == 1))
        {
            var classes = sets.Select(set => set[0]).ToList();
            return classes.Count == 1 ? Target.Class(classes[0]) : Target.Classes(classes);
        }
        return sets.Count == 1 ? Target.ClassSum(sets[0]) : Target.ClassSums(sets);
    }

    private static int[] ClassSet(string text, string part)
    {
        var classes = new List<int>();
        foreach (string piece in part.Split('+', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(piece, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                throw LumenException.Usage($"--target {text}: {Expected}");
            classes.Add(value);
        }
        return classes.ToArray();
    }

    private static Target Segmentation(string text, string rest)
    {
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        string classText = colon < 0 ? rest : rest[..colon];
        if (!int.TryParse(classText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int classIndex))
            throw LumenException.Usage($"--target {text}: {Expected}");
        if (colon < 0) return Target.SegmentationPredicted(classIndex);
        string maskPath = rest[(colon + 1)..];
        InputFile.RequireFile(maskPath, "segmentation mask", "seg:2:mask.npy");
        if (!maskPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw LumenException.Usage($"--target {text}: the mask must be a .npy array [H, W] or [N, H, W] (non-zero inside the mask)");
        using var mask = NpyFile.Read(maskPath);
        return Target.Segmentation(classIndex, mask);
    }
}
