namespace Lumen.Training;

/// <summary>How <see cref="Trainer"/> trains: Adam on shuffled mini-batches with cross-entropy loss.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set. Default 2.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Images per optimisation step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seeds the initialisation and the shuffling: the same seed gives the same order of batches. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings; throws a Usage error naming the first wrong one.</summary>
    /// <exception cref="LumenException">A setting is out of range (kind Usage).</exception>
    public void Validate()
    {
        if (Epochs < 1) throw LumenException.Usage($"epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1) throw LumenException.Usage($"the batch size must be at least 1 (got {BatchSize})");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw LumenException.Usage($"the learning rate must be a positive number (got {LearningRate})");
    }
}
