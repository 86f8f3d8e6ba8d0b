namespace Lumen.Concepts;

/// <summary>How the linear classifier behind a concept activation vector is trained.</summary>
public sealed record ConceptClassifierOptions
{
    /// <summary>The L2 penalty α of the logistic loss (Captum's default classifier uses α = 0.01).</summary>
    public double L2 { get; init; } = 0.01;

    /// <summary>Full-batch Adam steps.</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>The share of each set held out to measure the classifier's accuracy (Captum's 0.33).</summary>
    public double TestShare { get; init; } = 0.33;
}
