using Lumen.Attributions.Gradients;
using Lumen.Models;

namespace Lumen.Attributions.DeepLift;

/// <summary>The command-line settings of <c>deeplift</c> and <c>deeplift-shap</c>, and how <see cref="MethodCatalog"/> builds them.</summary>
public static class DeepLiftSettings
{
    /// <summary>The set of references of the SHAP methods (no default: the set is the method's point).</summary>
    public static MethodSetting Baselines { get; } = new("baselines", "FILE.npy", "reference inputs [B, C, H, W] in the model's input space, e.g. a sample of training images", Required: true);

    /// <summary>The settings of <c>deeplift</c>.</summary>
    public static IReadOnlyList<MethodSetting> ForDeepLift { get; } = new[] { PathSettings.SingleBaseline, PathSettings.InternalBatchSize };

    /// <summary>The settings of <c>deeplift-shap</c>.</summary>
    public static IReadOnlyList<MethodSetting> ForDeepLiftShap { get; } = new[] { Baselines, PathSettings.InternalBatchSize };

    /// <summary>Builds <c>deeplift</c>.</summary>
    public static IAttributionMethod CreateDeepLift(ExplainableModel model, MethodOptions options) =>
        new DeepLift(model, PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    /// <summary>Builds <c>deeplift-shap</c>.</summary>
    public static IAttributionMethod CreateDeepLiftShap(ExplainableModel model, MethodOptions options) =>
        DeepLiftShap.FromFile(model, options.Parameters[Baselines.Name], PathSettings.ReadInternalBatchSize(options));
}
