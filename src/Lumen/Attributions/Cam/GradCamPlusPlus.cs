using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Grad-CAM++ (Chattopadhay et al. 2018) as pytorch-grad-cam computes it: with the paper's closed form for an
/// exponential output (eq. 19), the second and third derivatives are approximated by powers of the gradient g of the
/// raw score: α = g² / (2g² + Σ_ij A_k · g³ + 1e-6) (α = 0 where g = 0), w_k = Σ_ij ReLU(g) α, map = Σ_k w_k A_k.
/// </summary>
public sealed class GradCamPlusPlus : GradientCamMethod
{
    /// <summary>Creates Grad-CAM++ on <paramref name="layer"/>.</summary>
    public GradCamPlusPlus(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates Grad-CAM++ with shared CAM options (several layers, combination).</summary>
    public GradCamPlusPlus(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "gradcam-plus-plus";

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        Tensor squared = gradient.square();
        Tensor cubed = squared * gradient;
        Tensor activationSums = activations.sum(new long[] { 2, 3 }, keepdim: true);
        Tensor alpha = squared / (2 * squared + activationSums * cubed + 1e-6);
        alpha = where(gradient.ne(0), alpha, zeros_like(alpha));
        Tensor weights = (nn.functional.relu(gradient) * alpha).sum(new long[] { 2, 3 });
        return WeightChannels(weights, activations);
    }
}
