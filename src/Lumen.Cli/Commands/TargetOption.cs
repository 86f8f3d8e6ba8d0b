using System.Globalization;
using Lumen.Models;

namespace Lumen.Cli.Commands;

/// <summary>Parses <c>--target</c>: <c>predicted</c>, one class for all images, or a comma-separated class per image.</summary>
public static class TargetOption
{
    /// <summary>The target the text names.</summary>
    public static Target Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("predicted", StringComparison.OrdinalIgnoreCase)) return Target.Predicted;
        var parts = trimmed.Split(',', StringSplitOptions.TrimEntries);
        var classes = new List<int>();
        foreach (string part in parts)
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                throw LumenException.Usage($"--target {text}: expected 'predicted', a class index, or one class index per image separated by commas");
            classes.Add(value);
        }
        return classes.Count == 1 ? Target.Class(classes[0]) : Target.Classes(classes);
    }
}
