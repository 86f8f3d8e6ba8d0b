using System.Globalization;

namespace Lumen.Attributions;

/// <summary>
/// The options a method is created with: the layer (for layer methods) and the <c>--param name=value</c> settings.
/// Values are parsed on request; a malformed value is a usage error naming the setting.
/// </summary>
public sealed class MethodOptions
{
    private readonly IReadOnlyDictionary<string, string> parameters;

    /// <summary>Creates options from a layer name and raw settings.</summary>
    public MethodOptions(string? layer = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        Layer = layer;
        this.parameters = parameters ?? new Dictionary<string, string>();
    }

    /// <summary>
    /// Where methods that evaluate many perturbed inputs (or optimise for many steps) report how far they are, e.g.
    /// a progress line; null for no reports. Methods that take one or two passes never report.
    /// </summary>
    public IProgress<Perturbation.PerturbationProgress>? Progress { get; init; }

    /// <summary>The layer given with <c>--layer</c>, or null.</summary>
    public string? Layer { get; }

    /// <summary>The raw settings by name.</summary>
    public IReadOnlyDictionary<string, string> Parameters => parameters;

    /// <summary>The layer, or a usage error saying that <paramref name="method"/> needs one.</summary>
    public string RequireLayer(string method) =>
        Layer ?? throw LumenException.Usage($"method '{method}' needs a layer: add --layer NAME (see 'lumen layers --model ...')");

    /// <summary>A true/false setting.</summary>
    public bool GetBool(string name, bool fallback)
    {
        if (!parameters.TryGetValue(name, out string? text)) return fallback;
        return text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw LumenException.Usage($"--param {name}={text}: expected true or false"),
        };
    }

    /// <summary>A whole-number setting.</summary>
    public int GetInt(string name, int fallback)
    {
        if (!parameters.TryGetValue(name, out string? text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw LumenException.Usage($"--param {name}={text}: expected a whole number");
    }

    /// <summary>A real-number setting.</summary>
    public double GetDouble(string name, double fallback)
    {
        if (!parameters.TryGetValue(name, out string? text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw LumenException.Usage($"--param {name}={text}: expected a number");
    }

    /// <summary>A setting that is one of a fixed set of words.</summary>
    public string GetChoice(string name, string fallback, params string[] choices)
    {
        if (!parameters.TryGetValue(name, out string? text)) return fallback;
        string lowered = text.ToLowerInvariant();
        return choices.Contains(lowered)
            ? lowered
            : throw LumenException.Usage($"--param {name}={text}: expected one of {string.Join(", ", choices)}");
    }
}
