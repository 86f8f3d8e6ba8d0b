using System.Globalization;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// The settings every path method shares (integrated gradients and its layer and neuron forms, conductance, internal
/// influence), declared once: their names, defaults, descriptions and how they are read from <c>--param</c>.
/// </summary>
public static class PathSettings
{
    /// <summary>Captum's default number of steps.</summary>
    public const int DefaultSteps = 50;

    /// <summary>The default number of model inputs per forward and backward pass.</summary>
    public const int DefaultInternalBatchSize = 64;

    /// <summary><c>steps</c>.</summary>
    public static MethodSetting Steps { get; } = new("steps", DefaultSteps.ToString(CultureInfo.InvariantCulture), "number of points on the path from the baseline to the input");

    /// <summary><c>internal-batch-size</c>.</summary>
    public static MethodSetting InternalBatchSize { get; } = new("internal-batch-size", DefaultInternalBatchSize.ToString(CultureInfo.InvariantCulture),
        "at most this many model inputs (path points, references or samples x images) per forward and backward pass (fewer when the pass would need over 40 % of memory)");

    /// <summary><c>baseline</c> for methods that take one baseline.</summary>
    public static MethodSetting SingleBaseline { get; } = new("baseline", "zero", "zero, a number, blur, blur:SIGMA (pixels) or a .npy file [C, H, W] or [N, C, H, W]");

    /// <summary><c>method</c>, the integration rule, with the default of the method it belongs to (Captum's differ by class).</summary>
    public static MethodSetting Rule(IntegrationMethod fallback) =>
        new("method", IntegrationPoints.NameOf(fallback), "integration rule: " + string.Join(", ", IntegrationPoints.Names));

    /// <summary>The <c>steps</c> setting.</summary>
    public static int ReadSteps(MethodOptions options) => options.GetInt(Steps.Name, DefaultSteps);

    /// <summary>The <c>internal-batch-size</c> setting.</summary>
    public static int ReadInternalBatchSize(MethodOptions options) => options.GetInt(InternalBatchSize.Name, DefaultInternalBatchSize);

    /// <summary>The <c>method</c> setting, or <paramref name="fallback"/>.</summary>
    public static IntegrationMethod ReadRule(MethodOptions options, IntegrationMethod fallback) =>
        options.Parameters.TryGetValue("method", out string? rule) ? IntegrationPoints.Parse(rule) : fallback;

    /// <summary>The <c>baseline</c> setting of a method that takes one baseline (zero when not given).</summary>
    public static Baseline ReadSingleBaseline(MethodOptions options)
    {
        if (!options.Parameters.TryGetValue(SingleBaseline.Name, out string? text)) return Baseline.Zero;
        if (text.Contains(',', StringComparison.Ordinal))
            throw LumenException.Usage($"--param baseline={text}: this method takes one baseline; give one of zero, a number, blur, blur:SIGMA or a .npy file");
        return Baseline.Parse(text);
    }
}
