using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Perturbed copies of each image of a batch that are scored without being built as inputs: the method computes
/// their logits itself (for example incremental occlusion, which recomputes only the changed part of each layer).
/// The <see cref="BatchedEvaluator"/> drives it chunk by chunk like <see cref="IPerturbations"/>.
/// </summary>
public interface IPerturbationForward
{
    /// <summary>The number of perturbed copies of every image.</summary>
    long PerImage { get; }

    /// <summary>
    /// The logits [count, K] of copies <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1
    /// of image <paramref name="image"/>, without gradients.
    /// </summary>
    Tensor Logits(int image, long first, long count);
}
