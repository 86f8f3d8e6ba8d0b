using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The shared machinery of the gradient-based class activation maps: capture a layer's activations A and
/// gradients dY/dA, let the variant combine them into one map per image [N, 1, h, w] at the layer's resolution,
/// and optionally apply a ReLU. Upsampling to the input size is post-processing (<see cref="CamPostProcessing"/>),
/// never done here.
/// </summary>
public abstract class CamMethod : IAttributionMethod
{
    /// <summary>Creates a CAM method on <paramref name="layer"/> of <paramref name="model"/>.</summary>
    protected CamMethod(ExplainableModel model, string layer, bool relu)
    {
        model.ResolveLayer(layer);
        Model = model;
        Layer = layer;
        Relu = relu;
    }

    /// <summary>The explained model.</summary>
    protected ExplainableModel Model { get; }

    /// <summary>The layer whose activations are weighted.</summary>
    public string Layer { get; }

    /// <summary>Whether negative map values are set to zero (the papers' definition).</summary>
    public bool Relu { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["layer"] = Layer,
        ["relu"] = Relu ? "true" : "false",
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var (activations, gradient, targets, scores) = LayerGradient.Compute(Model, Layer, input, target);
        Tensor map = CombineChannels(activations, gradient);
        if (Relu) map = nn.functional.relu(map);
        return new Attribution(map, Name, targets, scores, Settings, Layer);
    }

    /// <summary>The variant's map [N, 1, h, w] from activations A and gradients dY/dA, both [N, C, h, w].</summary>
    protected abstract Tensor CombineChannels(Tensor activations, Tensor gradient);
}
