using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>Scores the modified copies of one image (masked or ablated) for the class explained in the original pass.</summary>
internal static class TargetScoring
{
    /// <summary>
    /// The scores [B] of logits [B, K], every row a copy of image <paramref name="image"/>, for class
    /// <paramref name="explainedClass"/> (the one resolved on the original image, so that a predicted-class target
    /// does not switch class on a modified copy), or the target's own score for that image when the class is -1.
    /// </summary>
    public static Tensor Of(Target target, long explainedClass, Tensor logits, int image) =>
        explainedClass >= 0 ? logits.select(1, explainedClass) : target.Score(logits, Enumerable.Repeat(image, (int)logits.shape[0]).ToArray());

    /// <summary>A usage error unless the batch size is positive.</summary>
    public static int RequireBatchSize(string method, int batchSize) =>
        batchSize > 0 ? batchSize : throw LumenException.Usage($"{method}: batch size must be at least 1, got {batchSize}; use e.g. --param batch-size=16");
}
