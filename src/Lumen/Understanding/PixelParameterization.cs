using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// The plain form: the parameter is the pixels themselves, clipped to [0, 1] after every step (unless turned off), which is the valid
/// input range of the model once mapped through its normalisation (<see cref="InputSpace"/>).
/// </summary>
internal sealed class PixelParameterization : ImageParameterization
{
    private readonly Tensor pixels;
    private readonly bool clip;

    /// <summary>Starts from <paramref name="initialPixels"/> [N, C, H, W] (copied, and clipped to [0, 1] when <paramref name="clip"/>).</summary>
    public PixelParameterization(Tensor initialPixels, bool clip)
    {
        using var noGrad = torch.no_grad();
        this.clip = clip;
        var start = clip ? initialPixels.detach().clamp(0, 1) : initialPixels.detach().clone();
        pixels = start.contiguous().DetachFromDisposeScope().requires_grad_(true);
    }

    /// <inheritdoc/>
    public override Tensor Parameter => pixels;

    /// <inheritdoc/>
    public override Tensor Pixels() => pixels;

    /// <inheritdoc/>
    public override void AfterStep()
    {
        if (!clip) return;
        using var noGrad = torch.no_grad();
        pixels.clamp_(0, 1);
    }

    /// <inheritdoc/>
    public override void Blur(double sigma)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        pixels.copy_(GaussianBlur.Apply(pixels, sigma));
    }
}
