using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// For segmentation models returning [N, K, H, W]: the sum of one class's logits over a mask (pytorch-grad-cam's
/// SemanticSegmentationTarget), with the mask given ([H, W] for all images or [M, H, W] per image) or taken from the
/// scored output's own prediction (the pixels whose highest logit is the class).
/// </summary>
internal sealed class SegmentationTarget : Target
{
    private readonly int classIndex;
    private readonly float[]? mask;
    private readonly long[] maskShape;

    private SegmentationTarget(int classIndex, float[]? mask, long[] maskShape)
    {
        if (classIndex < 0) throw LumenException.Usage($"segmentation class {classIndex} is negative; classes count from 0");
        this.classIndex = classIndex;
        this.mask = mask;
        this.maskShape = maskShape;
    }

    public static SegmentationTarget OverMask(int classIndex, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() is not (2 or 3) || mask.shape.Any(d => d == 0))
            throw LumenException.Usage($"a segmentation mask must be [H, W] or [N, H, W], not {MessageText.Shape(mask.shape)}");
        using var scope = NewDisposeScope();
        Tensor binary = mask.detach().ne(0).to_type(ScalarType.Float32).cpu();
        long[] shape = mask.dim() == 2 ? new[] { 1L, mask.shape[0], mask.shape[1] } : mask.shape.ToArray();
        return new SegmentationTarget(classIndex, binary.data<float>().ToArray(), shape);
    }

    public static SegmentationTarget OverPredictedPixels(int classIndex) => new(classIndex, null, Array.Empty<long>());

    public override string Description => mask is null
        ? $"segmentation class {classIndex} over its predicted pixels"
        : $"segmentation class {classIndex} over a mask";

    public override long[] ResolveClasses(Tensor logits)
    {
        RequireSegmentation(logits);
        if (mask is not null) ImageOfRows(logits.shape[0], (int)maskShape[0]);
        return Enumerable.Repeat(-1L, (int)logits.shape[0]).ToArray();
    }

    public override Tensor Score(Tensor logits) =>
        Score(logits, mask is null ? new int[logits.shape[0]] : ImageOfRows(logits.shape[0], (int)maskShape[0]));

    public override Tensor Score(Tensor logits, IReadOnlyList<int> imageOfRow)
    {
        RequireSegmentation(logits);
        Tensor classLogits = logits.select(1, classIndex);
        if (mask is null)
        {
            using var predicted = logits.detach().argmax(1).eq(classIndex).to_type(logits.dtype);
            return (classLogits * predicted).sum(new long[] { 1, 2 });
        }
        using var all = torch.tensor(mask, maskShape, dtype: logits.dtype, device: logits.device);
        using var index = torch.tensor(imageOfRow.Select(i => maskShape[0] == 1 ? 0L : i).ToArray(), dtype: ScalarType.Int64, device: logits.device);
        using var rows = all.index_select(0, index);
        return (classLogits * rows).sum(new long[] { 1, 2 });
    }

    public override Target MirroredHorizontally()
    {
        if (mask is null) return this;
        using var all = torch.tensor(mask, maskShape);
        using var mirrored = all.flip(2);
        return new SegmentationTarget(classIndex, mirrored.data<float>().ToArray(), maskShape);
    }

    private void RequireSegmentation(Tensor logits)
    {
        if (logits.dim() != 4)
            throw LumenException.Usage($"target '{Description}' needs a segmentation output [N, K, H, W], but the model outputs {MessageText.Shape(logits.shape)}: give a class target (e.g. --target predicted)");
        if (classIndex >= logits.shape[1])
            throw LumenException.Usage($"segmentation class {classIndex} is out of range: the model has {logits.shape[1]} classes (0 to {logits.shape[1] - 1})");
        if (mask is not null && (maskShape[1] != logits.shape[2] || maskShape[2] != logits.shape[3]))
            throw LumenException.Usage($"the segmentation mask is {maskShape[1]}x{maskShape[2]} but the model's output is {logits.shape[2]}x{logits.shape[3]}; give a mask of the output's size");
    }
}
