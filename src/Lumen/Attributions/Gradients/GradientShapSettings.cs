using System.Globalization;
using Lumen.Attributions.DeepLift;
using Lumen.Models;

namespace Lumen.Attributions.Gradients;

/// <summary>The command-line settings of <c>gradient-shap</c> and how <see cref="MethodCatalog"/> builds it.</summary>
public static class GradientShapSettings
{
    /// <summary>The settings of <c>gradient-shap</c> (defaults as Captum's <c>GradientShap</c>).</summary>
    public static IReadOnlyList<MethodSetting> All { get; } = new[]
    {
        DeepLiftSettings.Baselines,
        new MethodSetting("samples", GradientShap.DefaultSamples.ToString(CultureInfo.InvariantCulture), "random points per image"),
        new MethodSetting("stdev", GradientShap.DefaultStdev.ToString("0.0", CultureInfo.InvariantCulture), "absolute standard deviation of the Gaussian noise added to the input (Captum's stdevs)"),
        new MethodSetting("seed", "0", "seed of the draws; the same seed gives identical results"),
        PathSettings.InternalBatchSize,
    };

    /// <summary>Builds <c>gradient-shap</c>.</summary>
    public static IAttributionMethod Create(ExplainableModel model, MethodOptions options)
    {
        string path = options.Parameters[DeepLiftSettings.Baselines.Name];
        using var references = ReferenceSet.Read(path, DeepLiftSettings.Baselines.Name);
        return new GradientShap(model, references, path, options.GetInt("samples", GradientShap.DefaultSamples),
            options.GetDouble("stdev", GradientShap.DefaultStdev), options.GetInt("seed", 0), PathSettings.ReadInternalBatchSize(options));
    }
}
