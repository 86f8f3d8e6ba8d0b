using Lumen.Models;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// The command-line settings of Integrated Gradients and the SmoothGrad family, and how <see cref="MethodCatalog"/>
/// builds them from <c>--param name=value</c>.
/// </summary>
public static class GradientFamilyOptions
{
    /// <summary>The settings of <c>integrated-gradients</c>.</summary>
    public static IReadOnlyList<MethodSetting> IntegratedGradientsSettings { get; } = new[]
    {
        PathSettings.Steps,
        PathSettings.Rule(IntegrationMethod.GaussLegendre),
        new MethodSetting("baseline", "zero", "zero, a number, blur, blur:SIGMA (pixels) or a .npy file; several separated by commas are averaged"),
        PathSettings.InternalBatchSize,
    };

    /// <summary>The settings of <c>smoothgrad</c>; settings of the wrapped method are passed on to it.</summary>
    public static IReadOnlyList<MethodSetting> SmoothGradSettings { get; } = new[]
    {
        new MethodSetting("base", "saliency", "the wrapped method, any of 'lumen methods' except smoothgrad"),
        new MethodSetting("variant", "smoothgrad", "smoothgrad (mean), smoothgrad-sq (mean of squares) or vargrad (variance)"),
        new MethodSetting("samples", NoiseTunnel.DefaultSamples.ToString(System.Globalization.CultureInfo.InvariantCulture), "noisy copies per image"),
        new MethodSetting("stdev", "1.0", "absolute standard deviation of the noise (Captum's stdevs)"),
        new MethodSetting("noise-fraction", "none", "noise standard deviation as a fraction of each image's value range, e.g. 0.15 (SmoothGrad paper, Zennit); replaces stdev"),
        new MethodSetting("seed", "0", "seed of the noise; the same seed gives identical results"),
        new MethodSetting("internal-batch-size", NoiseTunnel.DefaultInternalBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "at most this many noisy inputs per call of the wrapped method (fewer when the pass would need over 40 % of memory)"),
        new MethodSetting("steps", "(base)", "passed to base=integrated-gradients"),
        new MethodSetting("method", "(base)", "passed to base=integrated-gradients"),
        new MethodSetting("baseline", "(base)", "passed to base=integrated-gradients"),
        new MethodSetting("relu", "(base)", "passed to base=gradcam"),
        new MethodSetting("baselines", "(base)", "passed to base=deeplift-shap or gradient-shap"),
        new MethodSetting("neuron", "(base)", "passed to the neuron methods"),
    };

    /// <summary>Builds <c>integrated-gradients</c> from its settings.</summary>
    public static IAttributionMethod CreateIntegratedGradients(ExplainableModel model, MethodOptions options)
    {
        var baselines = options.Parameters.TryGetValue("baseline", out string? text)
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Baseline.Parse).ToList()
            : new List<Baseline> { Baseline.Zero };
        return new IntegratedGradients(model, PathSettings.ReadSteps(options), PathSettings.ReadRule(options, IntegrationMethod.GaussLegendre), baselines,
            PathSettings.ReadInternalBatchSize(options));
    }

    /// <summary>Builds <c>smoothgrad</c> and its wrapped method from the settings.</summary>
    public static IAttributionMethod CreateSmoothGrad(ExplainableModel model, MethodOptions options)
    {
        string baseName = options.Parameters.TryGetValue("base", out string? given) ? given.ToLowerInvariant() : "saliency";
        if (baseName == "smoothgrad") throw LumenException.Usage("--param base=smoothgrad: smoothgrad cannot wrap itself; choose another method");
        MethodDescriptor baseDescriptor = MethodCatalog.Find(baseName);
        var own = new HashSet<string>(new[] { "base", "variant", "samples", "stdev", "noise-fraction", "seed", "internal-batch-size" });
        var passed = options.Parameters.Where(entry => !own.Contains(entry.Key)).ToDictionary(entry => entry.Key, entry => entry.Value);
        IAttributionMethod baseMethod = baseDescriptor.Build(model, new MethodOptions(options.Layer, passed));
        string variant = options.GetChoice("variant", "smoothgrad", "smoothgrad", "smoothgrad-sq", "vargrad");
        if (options.Parameters.ContainsKey("stdev") && options.Parameters.ContainsKey("noise-fraction"))
            throw LumenException.Usage("give either --param stdev= or --param noise-fraction=, not both");
        NoiseLevel noise = options.Parameters.ContainsKey("noise-fraction")
            ? NoiseLevel.FractionOfRange(options.GetDouble("noise-fraction", 0))
            : NoiseLevel.Absolute(options.GetDouble("stdev", 1.0));
        return new NoiseTunnel(model, baseMethod,
            variant switch { "smoothgrad" => NoiseTunnelVariant.SmoothGrad, "smoothgrad-sq" => NoiseTunnelVariant.SmoothGradSquared, _ => NoiseTunnelVariant.VarGrad },
            noise, options.GetInt("samples", NoiseTunnel.DefaultSamples), options.GetInt("seed", 0),
            options.GetInt("internal-batch-size", NoiseTunnel.DefaultInternalBatchSize));
    }
}
