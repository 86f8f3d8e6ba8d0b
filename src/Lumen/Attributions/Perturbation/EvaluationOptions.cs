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

    /// <summary>The scored output: the target's logit, its softmax probability or the log of that probability.</summary>
    public ScoreOutput Output { get; init; } = ScoreOutput.Logit;

    /// <summary>Receives the number of evaluated inputs after every forward pass, or null.</summary>
    public IProgress<PerturbationProgress>? Progress { get; init; }

    /// <summary>Checked before every forward pass; a cancelled token stops the method with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The output as text, as recorded in settings.</summary>
    public string OutputName => NameOf(Output);

    /// <summary>The command-line names of the outputs, in enum order.</summary>
    public static IReadOnlyList<string> OutputNames { get; } = new[] { "logit", "probability", "log-probability" };

    /// <summary>The command-line name of <paramref name="output"/>.</summary>
    public static string NameOf(ScoreOutput output) => OutputNames[(int)output];
}
