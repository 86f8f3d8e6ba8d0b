using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017): each channel k of a layer is weighted by the spatial mean of the gradient,
/// w_k = mean_ij dY/dA_kij, and the map is ReLU(sum_k w_k A_k) at the layer's resolution.
/// With <c>relu: false</c> it equals Captum's LayerGradCam default and pytorch-grad-cam's raw map.
/// </summary>
public sealed class GradCam : GradientCamMethod
{
    /// <summary>Creates Grad-CAM on <paramref name="layer"/>.</summary>
    public GradCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates Grad-CAM with shared CAM options (several layers, combination).</summary>
    public GradCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "gradcam";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        Tensor weights = gradient.mean(new long[] { 2, 3 }, keepdim: true);
        return CombineTerms(weights * activations);
    }
}
