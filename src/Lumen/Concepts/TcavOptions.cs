namespace Lumen.Concepts;

/// <summary>The settings of a TCAV test. Each default is declared here once.</summary>
public sealed record TcavOptions
{
    /// <summary>The significance level before the Bonferroni correction (Kim et al.'s 0.05).</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The number of hypotheses tested together (concepts × classes × layers); the test of each is significant
    /// when p &lt; <see cref="Alpha"/> / this (Bonferroni). Null for the number of concepts in one call.</summary>
    public int? Hypotheses { get; init; }

    /// <summary>The seed of the classifiers' train/held-out splits (run r uses seed + r).</summary>
    public int Seed { get; init; }

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>How each concept activation vector's classifier is trained.</summary>
    public ConceptClassifierOptions Classifier { get; init; } = new();

    /// <summary>The number of random counterpart sets the CLI draws by default (Kim et al. use at least 10).</summary>
    public const int DefaultRandomRuns = 10;
}
