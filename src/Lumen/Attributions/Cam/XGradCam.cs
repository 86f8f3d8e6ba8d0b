using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// XGrad-CAM (Fu et al. 2020): channel weights w_k = Σ_ij g_kij A_kij / (Σ_ij A_kij + 1e-7), map = Σ_k w_k A_k
/// (pytorch-grad-cam's XGradCAM).
/// </summary>
public sealed class XGradCam : GradientCamMethod
{
    /// <summary>Creates XGrad-CAM on <paramref name="layer"/>.</summary>
    public XGradCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates XGrad-CAM with shared CAM options (several layers, combination).</summary>
    public XGradCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "xgradcam";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        Tensor activationSums = activations.sum(new long[] { 2, 3 }, keepdim: true);
        Tensor weights = (gradient * activations / (activationSums + 1e-7)).sum(new long[] { 2, 3 });
        return WeightChannels(weights, activations);
    }
}
