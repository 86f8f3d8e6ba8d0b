using Lumen.Attributions.Perturbation;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>Copies built in advance: <c>copies[n]</c> [K, C, H, W] are the K copies of image n.</summary>
public sealed class StoredPerturbations : IPerturbations
{
    private readonly Tensor copies;

    /// <summary>Wraps <paramref name="copies"/> [N, K, C, H, W] (borrowed: it must outlive this object).</summary>
    public StoredPerturbations(Tensor copies)
    {
        this.copies = copies;
    }

    /// <inheritdoc />
    public long PerImage => copies.shape[1];

    /// <inheritdoc />
    public Tensor Build(int image, long first, long count) => copies[image].narrow(0, first, count).clone();
}
