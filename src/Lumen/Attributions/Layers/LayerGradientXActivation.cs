using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>
/// Layer gradient × activation, as Captum's <c>LayerGradientXActivation</c>: r = L(x) · ∂f/∂L (x) at a named layer L,
/// the layer's shape [N, C, h, w]. One forward and one backward pass.
/// </summary>
public sealed class LayerGradientXActivation : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method at <paramref name="layer"/>.</summary>
    public LayerGradientXActivation(ExplainableModel model, string layer)
    {
        this.model = model;
        Layer = model.LayerName(layer);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <inheritdoc />
    public string Name => "layer-gradient-x-activation";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["layer"] = Layer };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = Gradients.ResolvedTarget.Resolve(model, input, target);
        var (activation, gradient) = LayerPass.GradientAt(model, Layer, Name, input, resolved.Repeated(1));
        return new Attribution(activation * gradient, Name, resolved.Classes, resolved.Scores, Settings, Layer);
    }
}
