using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Test-time augmentation of a map, as pytorch-grad-cam's <c>aug_smooth</c> does it with ttach: the input is
/// mirrored horizontally or not and multiplied by 0.9, 1 or 1.1 (ttach's <c>Multiply</c>: an intensity scale, not a
/// resize), the map of each of the six copies is computed, a mirrored copy's map is mirrored back, and the six maps
/// are averaged. pytorch-grad-cam averages its min-max scaled maps; Lumen averages the maps as the method returns them
/// (so the post-processing can follow). The explained class is resolved once on the unmodified input, so a
/// <see cref="Target.Predicted"/> target does not switch class on a copy; a target tied to pixel positions (a
/// segmentation mask) is mirrored with the image.
/// </summary>
public static class AugmentationSmoothing
{
    /// <summary>The intensity factors, ttach's <c>Multiply(factors=[0.9, 1, 1.1])</c>.</summary>
    public static IReadOnlyList<double> Factors { get; } = new[] { 0.9, 1.0, 1.1 };

    /// <summary>
    /// The mean of <paramref name="attribute"/>'s maps over the six copies of <paramref name="input"/>, with the
    /// targets, scores, settings and layer of the unmodified input's run. The maps must have the input's width in their
    /// last dimension or a layer's (mirroring a layer map assumes the layer's grid is symmetric, as it is for the
    /// usual even sizes; pytorch-grad-cam mirrors the enlarged map, which assumes the same).
    /// </summary>
    public static Attribution Average(Tensor input, Target target, Func<Tensor, Target, Attribution> attribute)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(attribute);
        using var plain = attribute(input, target);
        Target fixedTarget = plain.Targets.All(c => c >= 0) ? Target.Classes(plain.Targets.Select(c => (int)c).ToArray()) : target;
        Target mirroredTarget = fixedTarget.MirroredHorizontally();
        using var scope = NewDisposeScope();
        Tensor sum = zeros_like(plain.Values);
        foreach (bool mirror in new[] { false, true })
        {
            foreach (double factor in Factors)
            {
                if (!mirror && factor == 1.0)
                {
                    sum.add_(plain.Values);
                    continue;
                }
                using var copyScope = NewDisposeScope();
                Tensor copy = input * factor;
                if (mirror) copy = copy.flip(3);
                using var result = attribute(copy, mirror ? mirroredTarget : fixedTarget);
                sum.add_(mirror ? result.Values.flip(-1) : result.Values);
            }
        }
        Tensor mean = sum / (2.0 * Factors.Count);
        return new Attribution(mean, plain.Method, plain.Targets, plain.TargetScores, plain.Settings, plain.Layer, plain.Extras);
    }
}
