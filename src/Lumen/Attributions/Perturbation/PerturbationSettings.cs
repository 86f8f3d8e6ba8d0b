using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// The command-line settings of the perturbation family and how <see cref="MethodCatalog"/> builds each method from
/// <c>--param name=value</c>.
/// </summary>
public static class PerturbationSettings
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static MethodSetting BatchSize => new("batch-size", Text(EvaluationOptions.DefaultBatchSize), "perturbed inputs per forward pass");

    private static MethodSetting Output(string fallback) => new("output", fallback, "the scored output: logit or probability (softmax)");

    /// <summary>The settings of <c>occlusion</c>.</summary>
    public static IReadOnlyList<MethodSetting> OcclusionSettings { get; } = new[]
    {
        new MethodSetting("window", "8", "window size in pixels, N or HxW (covers all channels)"),
        new MethodSetting("stride", "half the window", "step between window positions, N or HxW, at most the window"),
        new MethodSetting("baseline", "0", "what the window is filled with: 0 or any number, mean (per image and channel), blur, blur:SIGMA, or a .npy file"),
        Output("logit"),
        BatchSize,
    };

    /// <summary>The settings of <c>feature-ablation</c>.</summary>
    public static IReadOnlyList<MethodSetting> FeatureAblationSettings { get; } = new[]
    {
        new MethodSetting("feature-mask", "none", "a .npy file of integer feature ids per pixel ([H, W], [1, 1, H, W] or [N, 1, H, W]); without it --param segmentation= groups the pixels"),
        new MethodSetting("segmentation", "grid:4", "features when no mask is given: grid:N, grid:RxC, slic or slic:K"),
        new MethodSetting("baseline", "0", "what an ablated feature becomes: 0 or any number, mean, blur, blur:SIGMA, or a .npy file"),
        Output("logit"),
        BatchSize,
    };

    /// <summary>Batch size and output from the settings.</summary>
    public static EvaluationOptions Evaluation(MethodOptions options, ScoreOutput fallback) => new()
    {
        BatchSize = options.GetInt("batch-size", EvaluationOptions.DefaultBatchSize),
        Output = options.GetChoice("output", fallback == ScoreOutput.Logit ? "logit" : "probability", "logit", "probability") == "logit"
            ? ScoreOutput.Logit
            : ScoreOutput.Probability,
    };

    /// <summary>The replacement named by setting <paramref name="name"/>, or zeros.</summary>
    public static Baseline ReplacementOf(MethodOptions options, string name = "baseline") =>
        options.Parameters.TryGetValue(name, out string? text) ? Replacement.Parse(name, text) : Baseline.Zero;

    /// <summary>Builds <c>occlusion</c>.</summary>
    public static IAttributionMethod CreateOcclusion(ExplainableModel model, MethodOptions options)
    {
        var window = options.Parameters.TryGetValue("window", out string? w) ? WindowShape.Parse("window", w) : WindowShape.Square(8);
        var stride = options.Parameters.TryGetValue("stride", out string? s)
            ? WindowShape.Parse("stride", s)
            : new WindowShape(Math.Max(1, window.Height / 2), Math.Max(1, window.Width / 2));
        return new Occlusion(model, window, stride, ReplacementOf(options), Evaluation(options, ScoreOutput.Logit));
    }

    /// <summary>Builds <c>feature-ablation</c>.</summary>
    public static IAttributionMethod CreateFeatureAblation(ExplainableModel model, MethodOptions options)
    {
        if (options.Parameters.ContainsKey("feature-mask") && options.Parameters.ContainsKey("segmentation"))
            throw LumenException.Usage("give either --param feature-mask= or --param segmentation=, not both");
        var mask = options.Parameters.TryGetValue("feature-mask", out string? path)
            ? FeatureMask.FromFile(path)
            : FeatureMask.FromSegmentation(Segmentations.Parse("segmentation", options.Parameters.GetValueOrDefault("segmentation", "grid:4")));
        return new FeatureAblation(model, mask, ReplacementOf(options), Evaluation(options, ScoreOutput.Logit));
    }
}
