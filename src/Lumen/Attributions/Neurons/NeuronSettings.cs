using Lumen.Attributions.Gradients;
using Lumen.Models;

namespace Lumen.Attributions.Neurons;

/// <summary>The command-line settings of the neuron attribution methods and how <see cref="MethodCatalog"/> builds them.</summary>
public static class NeuronSettings
{
    /// <summary>The explained neuron.</summary>
    public static MethodSetting Neuron { get; } = new("neuron", "LAYER:CHANNEL:ROW,COL", "the unit: channel and position of a convolutional layer, or LAYER:FEATURE of a linear one (see 'lumen layers')", Required: true);

    /// <summary>The settings of <c>neuron-gradient</c> and <c>neuron-guided-backprop</c>.</summary>
    public static IReadOnlyList<MethodSetting> NeuronOnly { get; } = new[] { Neuron };

    /// <summary>The settings of <c>neuron-integrated-gradients</c> (Captum's defaults: 50 Gauss-Legendre steps).</summary>
    public static IReadOnlyList<MethodSetting> IntegratedGradients { get; } = new[]
    {
        Neuron, PathSettings.Steps, PathSettings.Rule(IntegrationMethod.GaussLegendre), PathSettings.SingleBaseline, PathSettings.InternalBatchSize,
    };

    /// <summary>The settings of <c>neuron-conductance</c> (Captum's defaults: 50 steps, riemann-trapezoid).</summary>
    public static IReadOnlyList<MethodSetting> Conductance { get; } = new[]
    {
        Neuron, PathSettings.Steps, PathSettings.Rule(NeuronConductance.DefaultMethod), PathSettings.SingleBaseline, PathSettings.InternalBatchSize,
    };

    /// <summary>Builds <c>neuron-gradient</c>.</summary>
    public static IAttributionMethod CreateGradient(ExplainableModel model, MethodOptions options) => new NeuronGradient(model, Read(options));

    /// <summary>Builds <c>neuron-guided-backprop</c>.</summary>
    public static IAttributionMethod CreateGuidedBackprop(ExplainableModel model, MethodOptions options) => new NeuronGuidedBackprop(model, Read(options));

    /// <summary>Builds <c>neuron-integrated-gradients</c>.</summary>
    public static IAttributionMethod CreateIntegratedGradients(ExplainableModel model, MethodOptions options) =>
        new NeuronIntegratedGradients(model, Read(options), PathSettings.ReadSteps(options), PathSettings.ReadRule(options, IntegrationMethod.GaussLegendre),
            PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    /// <summary>Builds <c>neuron-conductance</c>.</summary>
    public static IAttributionMethod CreateConductance(ExplainableModel model, MethodOptions options) =>
        new NeuronConductance(model, Read(options), PathSettings.ReadSteps(options), PathSettings.ReadRule(options, NeuronConductance.DefaultMethod),
            PathSettings.ReadSingleBaseline(options), PathSettings.ReadInternalBatchSize(options));

    private static Neuron Read(MethodOptions options) => Lumen.Attributions.Neurons.Neuron.Parse(options.Parameters[Neuron.Name]);
}
