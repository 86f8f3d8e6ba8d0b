using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Groups input elements into features that are perturbed together (Captum's <c>feature_mask</c>): an integer id per
/// element, either given (a tensor or .npy file broadcastable to the input [N, C, H, W], e.g. [H, W], [1, 1, H, W] or
/// one per image [N, 1, H, W]) or computed per image by a segmentation.
/// </summary>
public abstract class FeatureMask
{
    /// <summary>How the mask is written in settings (a file name or a segmentation).</summary>
    public abstract string Description { get; }

    /// <summary>The ids for <paramref name="input"/>: an int64 tensor [N or 1, C or 1, H, W].</summary>
    public abstract Tensor For(Tensor input);

    /// <summary>A mask computed by <paramref name="segmentation"/> on every image.</summary>
    public static FeatureMask FromSegmentation(ISegmentation segmentation) => new SegmentedMask(segmentation);

    /// <summary>A fixed mask of integer ids; the tensor is copied.</summary>
    public static FeatureMask FromTensor(Tensor ids, string description = "custom") => new FixedMask(ids, description);

    /// <summary>A fixed mask read from a .npy file of integers.</summary>
    public static FeatureMask FromFile(string path)
    {
        using var ids = NpyFile.Read(path);
        return new FixedMask(ids, Path.GetFileName(path));
    }

    private sealed class SegmentedMask : FeatureMask
    {
        private readonly ISegmentation segmentation;

        public SegmentedMask(ISegmentation segmentation) => this.segmentation = segmentation;

        public override string Description => segmentation.Description;

        public override Tensor For(Tensor input) => Segmentations.Apply(segmentation, input);
    }

    private sealed class FixedMask : FeatureMask
    {
        private readonly Tensor ids;

        public FixedMask(Tensor ids, string description)
        {
            Description = description;
            if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
                throw LumenException.Usage($"feature mask '{description}' has dtype {ids.dtype}: expected integer ids per pixel");
            if (ids.dim() is < 2 or > 4)
                throw LumenException.Usage($"feature mask '{description}' has shape {MessageText.Shape(ids.shape)}: expected [H, W], [1, 1, H, W] or [N, 1, H, W]");
            using var scope = NewDisposeScope();
            Tensor shaped = ids.to_type(ScalarType.Int64);
            while (shaped.dim() < 4) shaped = shaped.unsqueeze(0);
            this.ids = shaped.contiguous().clone().DetachFromDisposeScope();
        }

        public override string Description { get; }

        public override Tensor For(Tensor input)
        {
            bool fits = ids.shape[2] == input.shape[2] && ids.shape[3] == input.shape[3]
                && (ids.shape[0] == 1 || ids.shape[0] == input.shape[0]) && (ids.shape[1] == 1 || ids.shape[1] == input.shape[1]);
            if (!fits)
                throw LumenException.Usage($"feature mask '{Description}' has shape {MessageText.Shape(ids.shape)}, which does not fit the input [{string.Join(", ", input.shape)}]: give [H, W] ids or one mask per image");
            return ids.to(input.device).clone();
        }
    }
}
