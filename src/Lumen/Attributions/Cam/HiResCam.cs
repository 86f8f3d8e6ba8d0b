using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// HiResCAM (Draelos and Carin 2020): the element-wise product of gradient and activation summed over channels,
/// map = Σ_k g_k ⊙ A_k, with no spatial averaging of the gradient (pytorch-grad-cam's HiResCAM).
/// </summary>
public sealed class HiResCam : GradientCamMethod
{
    /// <summary>Creates HiResCAM on <paramref name="layer"/>.</summary>
    public HiResCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates HiResCAM with shared CAM options (several layers, combination).</summary>
    public HiResCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "hirescam";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        return CombineTerms(gradient * activations);
    }
}
