using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The gradient-based class activation maps: one forward and one backward pass (stopping at the layer) give the
/// activations A and gradients dY/dA (<see cref="LayerGradient"/>); the variant only says how they combine.
/// </summary>
public abstract class GradientCamMethod : CamMethod
{
    /// <summary>Creates a gradient CAM method on <paramref name="layer"/> of <paramref name="model"/>.</summary>
    protected GradientCamMethod(ExplainableModel model, string layer, bool relu) : base(model, layer, relu)
    {
    }

    /// <summary>Creates a gradient CAM method with shared CAM options.</summary>
    protected GradientCamMethod(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    protected sealed override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerGradient.Compute(Model, layer, input, target);
        return new LayerMap(CombineChannels(captured.Activations, captured.Gradient), captured.Targets, captured.Scores);
    }

    /// <summary>The variant's map [N, 1, h, w] from activations A and gradients dY/dA, both [N, C, h, w].</summary>
    protected abstract Tensor CombineChannels(Tensor activations, Tensor gradient);
}
