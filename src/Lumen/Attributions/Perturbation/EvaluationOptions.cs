namespace Lumen.Attributions.Perturbation;

/// <summary>
/// How a perturbation method runs its forward passes: how many perturbed inputs per pass, which output it scores,
/// and where it reports progress and checks for cancellation.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>The default number of perturbed inputs per forward pass.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Perturbed inputs per forward pass (default 64); must be positive.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The scored output: the target's logit or its softmax probability.</summary>
    public ScoreOutput Output { get; init; } = ScoreOutput.Logit;

    /// <summary>Receives the number of evaluated inputs after every forward pass, or null.</summary>
    public IProgress<PerturbationProgress>? Progress { get; init; }

    /// <summary>Checked before every forward pass; a cancelled token stops the method with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The output as text, as recorded in settings.</summary>
    public string OutputName => Output == ScoreOutput.Logit ? "logit" : "probability";
}
