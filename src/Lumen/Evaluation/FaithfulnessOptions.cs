using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;

namespace Lumen.Evaluation;

/// <summary>How the faithfulness curves (deletion, insertion, pixel flipping) perturb and score the images.</summary>
public sealed record FaithfulnessOptions
{
    /// <summary>Pixels (regions for pixel flipping) changed per step; null for the default: one image row of pixels
    /// per step for deletion and insertion (Petsiuk et al.'s 224 for 224-pixel images), one region for pixel flipping.</summary>
    public int? Step { get; init; }

    /// <summary>What deleted pixels become (and insertion starts from); null for a blurred copy (sigma 5 pixels), the
    /// substrate of Petsiuk et al.'s insertion. (Their deletion used zeros of an ImageNet-normalized input, i.e. grey;
    /// zeros of an unnormalized input are black, equal to a dark background, so deleting background changes nothing.)</summary>
    public Baseline? Replacement { get; init; }

    /// <summary>The region side for pixel flipping in pixels; null for max(1, H / 14) (a 14 x 14 grid of regions).</summary>
    public int? Region { get; init; }

    /// <summary>The scored output (default the softmax probability, as Petsiuk et al.).</summary>
    public ScoreOutput Output { get; init; } = ScoreOutput.Probability;

    /// <summary>Perturbed inputs per forward pass.</summary>
    public int BatchSize { get; init; } = EvaluationOptions.DefaultBatchSize;

    /// <summary>Receives the number of evaluated inputs after every forward pass, or null.</summary>
    public IProgress<PerturbationProgress>? Progress { get; init; }

    /// <summary>The options of the shared batched evaluator.</summary>
    public EvaluationOptions Evaluation => new() { BatchSize = BatchSize, Output = Output, Progress = Progress };
}
