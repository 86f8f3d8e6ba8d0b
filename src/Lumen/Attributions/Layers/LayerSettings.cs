using Lumen.Attributions.Gradients;
using Lumen.Models;

namespace Lumen.Attributions.Layers;

/// <summary>The command-line settings of the layer attribution methods and how <see cref="MethodCatalog"/> builds them.</summary>
public static class LayerSettings
{
    /// <summary>The settings of the layer path methods (defaults as Captum's: 50 Gauss-Legendre steps from the zero image).</summary>
    public static IReadOnlyList<MethodSetting> Path { get; } = new[]
    {
        PathSettings.Steps, PathSettings.Rule(IntegrationMethod.GaussLegendre), PathSettings.SingleBaseline, PathSettings.InternalBatchSize,
    };

    /// <summary>Builds <c>layer-integrated-gradients</c>.</summary>
    public static IAttributionMethod CreateIntegratedGradients(ExplainableModel model, MethodOptions options) =>
        new LayerIntegratedGradients(model, options.RequireLayer("layer-integrated-gradients"), PathSettings.ReadSteps(options),
            PathSettings.ReadRule(options, IntegrationMethod.GaussLegendre), PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    /// <summary>Builds <c>layer-conductance</c>.</summary>
    public static IAttributionMethod CreateConductance(ExplainableModel model, MethodOptions options) =>
        new LayerConductance(model, options.RequireLayer("layer-conductance"), PathSettings.ReadSteps(options),
            PathSettings.ReadRule(options, IntegrationMethod.GaussLegendre), PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    /// <summary>Builds <c>internal-influence</c>.</summary>
    public static IAttributionMethod CreateInternalInfluence(ExplainableModel model, MethodOptions options) =>
        new InternalInfluence(model, options.RequireLayer("internal-influence"), PathSettings.ReadSteps(options),
            PathSettings.ReadRule(options, IntegrationMethod.GaussLegendre), PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    /// <summary>Builds <c>layer-gradient-x-activation</c>.</summary>
    public static IAttributionMethod CreateGradientXActivation(ExplainableModel model, MethodOptions options) =>
        new LayerGradientXActivation(model, options.RequireLayer("layer-gradient-x-activation"));
}
