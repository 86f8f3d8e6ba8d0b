namespace Lumen.Evaluation;

/// <summary>The settings of every metric of an evaluation.</summary>
public sealed record EvaluationSettings
{
    /// <summary>How the faithfulness curves perturb and score the images.</summary>
    public FaithfulnessOptions Faithfulness { get; init; } = new();

    /// <summary>The seed of the random parameters of the randomization check and of the sensitivity noise.</summary>
    public int Seed { get; init; }

    /// <summary>The half-width of the uniform noise of the sensitivity metrics, in model-input units (Captum's 0.02).</summary>
    public double SensitivityRadius { get; init; } = 0.02;

    /// <summary>The number of noisy copies per image of the sensitivity metrics (Captum's 10).</summary>
    public int SensitivitySamples { get; init; } = 10;
}
