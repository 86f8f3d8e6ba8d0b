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

    private static MethodSetting Seed => new("seed", "0", "seed of the random perturbations; the same seed gives an identical result");

    private static MethodSetting Segmentation => new("segmentation", "slic:50", "superpixels: grid:N, grid:RxC, slic or slic:K (about K superpixels), quickshift or quickshift:SIGMA");

    private static MethodSetting Hide => new("hide", "segment-mean", "what hidden superpixels show: segment-mean (their mean colour), 0 or any number, mean, blur, blur:SIGMA, or a .npy file");

    private static MethodSetting Output(string fallback) => new("output", fallback, "the scored output: logit, probability (softmax) or log-probability");

    /// <summary>The settings of <c>occlusion</c>.</summary>
    public static IReadOnlyList<MethodSetting> OcclusionSettings { get; } = new[]
    {
        new MethodSetting("window", OcclusionDefaults.WindowFormula, "window size in pixels, N or HxW (covers all channels)"),
        new MethodSetting("stride", OcclusionDefaults.StrideFormula, "step between window positions, N or HxW, at most the window"),
        new MethodSetting("baseline", "0", "what the window is filled with: 0 or any number, mean (per image and channel), blur, blur:SIGMA, or a .npy file"),
        Output("logit"),
        BatchSize,
        new MethodSetting("engine", "auto", "incremental (recompute only what each window changes; same result), full (whole forward passes), or auto: incremental when the model's layers allow it"),
    };

    /// <summary>The settings of <c>feature-ablation</c>.</summary>
    public static IReadOnlyList<MethodSetting> FeatureAblationSettings { get; } = new[]
    {
        new MethodSetting("feature-mask", "none", "a .npy file of integer feature ids per pixel ([H, W], [1, 1, H, W] or [N, 1, H, W]); without it --param segmentation= groups the pixels"),
        new MethodSetting("segmentation", "grid:4", "features when no mask is given: grid:N, grid:RxC, slic, slic:K, quickshift or quickshift:SIGMA"),
        new MethodSetting("baseline", "0", "what an ablated feature becomes: 0 or any number, mean, blur, blur:SIGMA, or a .npy file"),
        Output("logit"),
        BatchSize,
    };

    /// <summary>The settings of <c>rise</c>.</summary>
    public static IReadOnlyList<MethodSetting> RiseSettings { get; } = new[]
    {
        new MethodSetting("masks", Text(Rise.DefaultMasks), "number of random masks N"),
        new MethodSetting("cells", Text(Rise.DefaultCells), "grid cells per side of the low-resolution masks"),
        new MethodSetting("keep-probability", "0.5", "probability p that a grid cell is kept"),
        Seed,
        new MethodSetting("baseline", "0", "what hidden pixels become: 0 or any number, mean, blur, blur:SIGMA, or a .npy file"),
        Output("probability"),
        BatchSize,
    };

    /// <summary>The settings of <c>lime</c>.</summary>
    public static IReadOnlyList<MethodSetting> LimeSettings { get; } = new[]
    {
        new MethodSetting("samples", Text(Lime.DefaultSamples), "perturbed samples per image (the first is the image itself)"),
        Segmentation,
        Hide,
        new MethodSetting("kernel-width", "0.25", "width w of the kernel sqrt(exp(-d^2/w^2)) on the cosine distance to the full image"),
        new MethodSetting("features", "all", "how many superpixels the explanation keeps (the others get 0)"),
        new MethodSetting("selection", "auto", "how they are chosen: " + string.Join(", ", FeatureSelection.Names)),
        Seed,
        Output("probability"),
        BatchSize,
    };

    /// <summary>The settings of <c>kernel-shap</c>.</summary>
    public static IReadOnlyList<MethodSetting> KernelShapSettings { get; } = new[]
    {
        new MethodSetting("samples", Text(KernelShap.DefaultSamples), "coalitions sampled per image from the Shapley kernel (in complementary pairs)"),
        Segmentation,
        new MethodSetting("hide", "0", "what hidden superpixels show: 0 or any number, segment-mean, mean, blur, blur:SIGMA, or a .npy file"),
        Seed,
        Output("logit"),
        BatchSize,
    };

    /// <summary>The settings of <c>learned-mask</c>.</summary>
    public static IReadOnlyList<MethodSetting> LearnedMaskSettings { get; } = new[]
    {
        new MethodSetting("game", "deletion", "deletion (smallest region whose removal destroys the score) or preservation (smallest region that keeps it)"),
        new MethodSetting("perturbation", "blur", "what removed pixels become: blur (sigma 5), blur:SIGMA, 0 or any number, mean, or a .npy file"),
        new MethodSetting("mask-size", "auto", "side of the low-resolution mask in cells; auto = max(14, image side / 8)"),
        new MethodSetting("iterations", Text(LearnedMask.DefaultIterations), "Adam steps"),
        new MethodSetting("learning-rate", "0.1", "Adam's learning rate"),
        new MethodSetting("l1", LearnedMask.DefaultAreaWeight.ToString(CultureInfo.InvariantCulture), "weight of the mask's area (mean)"),
        new MethodSetting("tv", LearnedMask.DefaultSmoothnessWeight.ToString(CultureInfo.InvariantCulture), "weight of the total variation mean |grad m|^beta"),
        new MethodSetting("tv-exponent", "3", "beta, the exponent of the total variation"),
        new MethodSetting("init", "0.5", "the mask's starting value (1 = intact image)"),
        Output("probability"),
    };

    /// <summary>The settings of <c>lime-noise</c>.</summary>
    public static IReadOnlyList<MethodSetting> LimeNoiseSettings { get; } = new[]
    {
        new MethodSetting("samples", Text(LimeNoise.DefaultSamples), "noisy samples per image (the first is the image itself)"),
        new MethodSetting("radius", "0.1", "epsilon: each feature moves by up to this much (input units, all channels alike)"),
        new MethodSetting("features", Text(LimeNoise.DefaultFeatures), "K, how many pixel features the explanation keeps"),
        new MethodSetting("cell", "auto", "side of a feature block in pixels; auto = max(1, image side / 28)"),
        new MethodSetting("selection", "lasso-path", "how the K features are chosen: " + string.Join(", ", FeatureSelection.Names)),
        Seed,
        Output("logit"),
        BatchSize,
    };

    /// <summary>Batch size, output and progress from the settings.</summary>
    public static EvaluationOptions Evaluation(MethodOptions options, ScoreOutput fallback) => new()
    {
        Progress = options.Progress,
        BatchSize = options.GetInt("batch-size", EvaluationOptions.DefaultBatchSize),
        Output = (ScoreOutput)EvaluationOptions.OutputNames.ToList().IndexOf(
            options.GetChoice("output", EvaluationOptions.NameOf(fallback), EvaluationOptions.OutputNames.ToArray())),
    };

    /// <summary>The replacement named by setting <paramref name="name"/>, or zeros.</summary>
    public static Baseline ReplacementOf(MethodOptions options, string name = "baseline") =>
        options.Parameters.TryGetValue(name, out string? text) ? Replacement.Parse(name, text) : Baseline.Zero;

    /// <summary>Builds <c>occlusion</c>.</summary>
    public static IAttributionMethod CreateOcclusion(ExplainableModel model, MethodOptions options)
    {
        WindowShape? window = options.Parameters.TryGetValue("window", out string? w) ? WindowShape.Parse("window", w) : null;
        WindowShape? stride = options.Parameters.TryGetValue("stride", out string? s)
            ? WindowShape.Parse("stride", s)
            : window is { } given ? OcclusionDefaults.Stride(given) : null;
        var engine = (OcclusionEngine)Occlusion.EngineNames.ToList().IndexOf(options.GetChoice("engine", "auto", Occlusion.EngineNames.ToArray()));
        return new Occlusion(model, window, stride, ReplacementOf(options), Evaluation(options, ScoreOutput.Logit), engine);
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

    /// <summary>Builds <c>rise</c>.</summary>
    public static IAttributionMethod CreateRise(ExplainableModel model, MethodOptions options) =>
        new Rise(model, options.GetInt("masks", Rise.DefaultMasks), options.GetInt("cells", Rise.DefaultCells),
            options.GetDouble("keep-probability", 0.5), options.GetInt("seed", 0), ReplacementOf(options), Evaluation(options, ScoreOutput.Probability));

    /// <summary>Builds <c>lime</c>.</summary>
    public static IAttributionMethod CreateLime(ExplainableModel model, MethodOptions options)
    {
        int? features = options.Parameters.TryGetValue("features", out string? text) && text.Trim().ToLowerInvariant() != "all"
            ? options.GetInt("features", 0)
            : null;
        return new Lime(model, SegmentationOf(options), FillOf(options), options.GetInt("samples", Lime.DefaultSamples),
            options.GetDouble("kernel-width", Lime.DefaultKernelWidth), features,
            FeatureSelection.Parse(options.Parameters.GetValueOrDefault("selection", "auto")), options.GetInt("seed", 0),
            Evaluation(options, ScoreOutput.Probability));
    }

    private static ISegmentation SegmentationOf(MethodOptions options) =>
        Segmentations.Parse("segmentation", options.Parameters.GetValueOrDefault("segmentation", "slic:50"));

    private static SuperpixelFill FillOf(MethodOptions options) =>
        options.Parameters.TryGetValue("hide", out string? text) ? SuperpixelFill.Parse("hide", text) : SuperpixelFill.SegmentMean;

    /// <summary>Builds <c>kernel-shap</c>.</summary>
    public static IAttributionMethod CreateKernelShap(ExplainableModel model, MethodOptions options) =>
        new KernelShap(model, SegmentationOf(options),
            options.Parameters.TryGetValue("hide", out string? text) ? SuperpixelFill.Parse("hide", text) : null,
            options.GetInt("samples", KernelShap.DefaultSamples), options.GetInt("seed", 0), Evaluation(options, ScoreOutput.Logit));

    /// <summary>Builds <c>learned-mask</c>.</summary>
    public static IAttributionMethod CreateLearnedMask(ExplainableModel model, MethodOptions options)
    {
        string size = options.Parameters.GetValueOrDefault("mask-size", "auto").Trim().ToLowerInvariant();
        var evaluation = Evaluation(options, ScoreOutput.Probability);
        return new LearnedMask(model,
            options.GetChoice("game", "deletion", "deletion", "preservation") == "deletion" ? MaskGame.Deletion : MaskGame.Preservation,
            options.Parameters.TryGetValue("perturbation", out string? perturbation) ? Replacement.Parse("perturbation", perturbation) : null,
            size == "auto" ? 0 : options.GetInt("mask-size", 0) is var cells && cells > 0 ? cells
                : throw LumenException.Usage($"--param mask-size={size}: expected auto or a positive whole number of cells"),
            options.GetInt("iterations", LearnedMask.DefaultIterations), options.GetDouble("learning-rate", 0.1),
            options.GetDouble("l1", LearnedMask.DefaultAreaWeight), options.GetDouble("tv", LearnedMask.DefaultSmoothnessWeight),
            options.GetDouble("tv-exponent", 3), options.GetDouble("init", 0.5), evaluation);
    }

    /// <summary>Builds <c>lime-noise</c>.</summary>
    public static IAttributionMethod CreateLimeNoise(ExplainableModel model, MethodOptions options)
    {
        string cell = options.Parameters.GetValueOrDefault("cell", "auto").Trim().ToLowerInvariant();
        return new LimeNoise(model, options.GetInt("samples", LimeNoise.DefaultSamples), options.GetDouble("radius", LimeNoise.DefaultRadius),
            options.GetInt("features", LimeNoise.DefaultFeatures),
            cell == "auto" ? 0 : options.GetInt("cell", 0) is var side && side > 0 ? side
                : throw LumenException.Usage($"--param cell={cell}: expected auto or a positive whole number of pixels"),
            FeatureSelection.Parse(options.Parameters.GetValueOrDefault("selection", "lasso-path")), options.GetInt("seed", 0),
            Evaluation(options, ScoreOutput.Logit));
    }
}
