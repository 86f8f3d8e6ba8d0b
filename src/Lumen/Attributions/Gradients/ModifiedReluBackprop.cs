using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// Guided backpropagation and deconvnet (Springenberg, Dosovitskiy, Brox and Riedmiller 2015, "Striving for Simplicity:
/// The All Convolutional Net"; Zeiler and Fergus 2014): the input gradient with every ReLU's backward pass replaced by
/// a <see cref="ReluBackwardRule"/>, as Captum's <c>GuidedBackprop</c> and <c>Deconvolution</c>. One forward and one
/// backward pass for the whole batch. Needs every ReLU to be an <c>nn.ReLU</c> (or <c>nn.ReLU6</c>) module invoked
/// with <c>call</c>; other models are refused with a model error.
/// </summary>
public sealed class ModifiedReluBackprop : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="model"/>.</summary>
    public ModifiedReluBackprop(ExplainableModel model, ReluBackwardRule rule = ReluBackwardRule.Guided)
    {
        this.model = model;
        Rule = rule;
    }

    /// <summary>The ReLU backward rule.</summary>
    public ReluBackwardRule Rule { get; }

    /// <inheritdoc />
    public string Name => Rule == ReluBackwardRule.Guided ? "guided-backprop" : "deconvnet";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["relu-rule"] = Rule == ReluBackwardRule.Guided ? "guided" : "deconvnet",
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        InputGradient gradient;
        int relus;
        using (var relu = new ModifiedReluScope(model, Rule, Name))
        {
            gradient = InputGradient.Compute(model, input, target);
            relu.EnsureAllReached();
            relus = relu.FiredCount;
        }
        var settings = new Dictionary<string, string>(Settings) { ["relu-modules"] = relus.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new Attribution(gradient.Gradient, Name, gradient.Targets, gradient.Scores, settings);
    }
}
