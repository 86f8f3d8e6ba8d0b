using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>
/// Neuron guided backpropagation, as Captum's <c>NeuronGuidedBackprop</c>: the gradient of one neuron y with respect to
/// the input, with every ReLU's backward pass replaced by the guided rule (see <see cref="ModifiedReluBackprop"/>; the
/// same ReLU modules are required).
/// </summary>
public sealed class NeuronGuidedBackprop : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="neuron"/>.</summary>
    public NeuronGuidedBackprop(ExplainableModel model, Neuron neuron)
    {
        this.model = model;
        Neuron = NeuronPass.Check(model, neuron);
    }

    /// <summary>The explained neuron.</summary>
    public Neuron Neuron { get; }

    /// <inheritdoc />
    public string Name => "neuron-guided-backprop";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["neuron"] = Neuron.Description,
        ["relu-rule"] = "guided",
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        Tensor gradient, values;
        int relus;
        using (var relu = new ModifiedReluScope(model, ReluBackwardRule.Guided, Name))
        {
            (gradient, values) = NeuronPass.InputGradient(model, Neuron, input);
            relu.EnsureAllReached();
            relus = relu.FiredCount;
        }
        var settings = new Dictionary<string, string>(Settings) { ["relu-modules"] = relus.ToString(CultureInfo.InvariantCulture) };
        return NeuronResult.Create(gradient, Name, values, settings);
    }
}
