using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// LayerCAM (Jiang et al. 2021): element-wise weights from the positive gradient, map = Σ_k ReLU(g_k) ⊙ A_k
/// (pytorch-grad-cam's LayerCAM).
/// </summary>
public sealed class LayerCam : GradientCamMethod
{
    /// <summary>Creates LayerCAM on <paramref name="layer"/>.</summary>
    public LayerCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates LayerCAM with shared CAM options (several layers, combination).</summary>
    public LayerCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "layercam";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        return CombineTerms(nn.functional.relu(gradient) * activations);
    }
}
