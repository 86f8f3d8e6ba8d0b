using Lumen.Attributions.Perturbation;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Copies of each image in which the pixels of a mask (all channels) come from a replacement: copy k of image n takes
/// the pixels where <c>masks[n, k]</c> is true from <c>replacement[n]</c> and the others from <c>input[n]</c>.
/// </summary>
public sealed class SubsetPerturbations : IPerturbations
{
    private readonly Tensor input;
    private readonly Tensor replacement;
    private readonly Tensor masks;

    /// <summary>Creates the copies; the tensors are borrowed and must outlive this object.</summary>
    /// <param name="input">The images [N, C, H, W].</param>
    /// <param name="replacement">What masked pixels become [N, C, H, W].</param>
    /// <param name="masks">Boolean masks [N, K, H, W], K copies per image.</param>
    public SubsetPerturbations(Tensor input, Tensor replacement, Tensor masks)
    {
        this.input = input;
        this.replacement = replacement;
        this.masks = masks;
    }

    /// <inheritdoc />
    public long PerImage => masks.shape[1];

    /// <inheritdoc />
    public Tensor Build(int image, long first, long count)
    {
        using var scope = NewDisposeScope();
        Tensor mask = masks[image].narrow(0, first, count).unsqueeze(1);
        return torch.where(mask, replacement[image].unsqueeze(0), input[image].unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
