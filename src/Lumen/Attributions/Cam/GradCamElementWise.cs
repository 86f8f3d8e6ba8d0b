using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Grad-CAM element-wise (pytorch-grad-cam's GradCAMElementWise): the element-wise product of gradient and activation
/// with the ReLU applied to each product before the channel sum, map = Σ_k ReLU(g_k ⊙ A_k). Unlike HiResCAM, a
/// channel whose product is negative at a position does not cancel another channel's positive evidence there.
/// </summary>
public sealed class GradCamElementWise : GradientCamMethod
{
    /// <summary>Creates Grad-CAM element-wise on <paramref name="layer"/>.</summary>
    public GradCamElementWise(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates Grad-CAM element-wise with shared CAM options (several layers, combination, smoothing).</summary>
    public GradCamElementWise(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "gradcam-elementwise";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        return CombineTerms(nn.functional.relu(gradient * activations));
    }
}
