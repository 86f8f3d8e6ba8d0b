using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>
/// Neuron gradient, as Captum's <c>NeuronGradient</c>: ∂y/∂x, the gradient of one neuron y of a layer with respect to the
/// input. The class scores play no part: each result's target is -1 and its score the neuron's value.
/// </summary>
public sealed class NeuronGradient : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="neuron"/>.</summary>
    public NeuronGradient(ExplainableModel model, Neuron neuron)
    {
        this.model = model;
        Neuron = NeuronPass.Check(model, neuron);
    }

    /// <summary>The explained neuron.</summary>
    public Neuron Neuron { get; }

    /// <inheritdoc />
    public string Name => "neuron-gradient";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["neuron"] = Neuron.Description };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var (gradient, values) = NeuronPass.InputGradient(model, Neuron, input);
        return NeuronResult.Create(gradient, Name, values, Settings);
    }
}
