namespace Lumen.Evaluation;

/// <summary>The settings of every metric of an evaluation.</summary>
public sealed record EvaluationSettings
{
    /// <summary>How the faithfulness curves perturb and score the images.</summary>
    public FaithfulnessOptions Faithfulness { get; init; } = new();

    /// <summary>The seed of the random parameters of the randomization check.</summary>
    public int Seed { get; init; }
}
