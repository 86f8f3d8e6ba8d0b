using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// How activation maximization represents the images it optimises: a leaf tensor that gradient steps change, and
/// the pixels [N, C, H, W] in [0, 1] it stands for.
/// </summary>
internal abstract class ImageParameterization : IDisposable
{
    /// <summary>The tensor the optimiser updates (requires grad).</summary>
    public abstract Tensor Parameter { get; }

    /// <summary>The pixels the parameter stands for, differentiable with respect to it.</summary>
    public abstract Tensor Pixels();

    /// <summary>Called after each optimiser step (the pixel form clips to the valid range here).</summary>
    public virtual void AfterStep()
    {
    }

    /// <summary>Smooths the images in place with a Gaussian of standard deviation <paramref name="sigma"/> pixels.</summary>
    public abstract void Blur(double sigma);

    /// <inheritdoc/>
    public virtual void Dispose() => Parameter.Dispose();
}
