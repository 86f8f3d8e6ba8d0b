using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// A lazily generated set of perturbed copies of each image of a batch: <see cref="PerImage"/> copies per image,
/// built on request a few at a time, so that memory is bounded by one chunk, not by the number of perturbations.
/// </summary>
public interface IPerturbations
{
    /// <summary>The number of perturbed copies of every image.</summary>
    long PerImage { get; }

    /// <summary>
    /// Perturbed copies <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of image
    /// <paramref name="image"/>, as a model-ready batch [count, C, H, W]. The same arguments must give the same tensor.
    /// </summary>
    Tensor Build(int image, long first, long count);
}
