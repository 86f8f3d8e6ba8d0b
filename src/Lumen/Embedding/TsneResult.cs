namespace Lumen.Embedding;

/// <summary>The outcome of a t-SNE run.</summary>
public sealed class TsneResult
{
    internal TsneResult(double[] embedding, AffinityMatrix affinities, TsneEngine engine, IReadOnlyList<(int Iteration, double Kl)> history,
        TimeSpan neighborTime, TimeSpan optimizationTime, TimeSpan repulsionTime)
    {
        Embedding = embedding;
        Affinities = affinities;
        Engine = engine;
        KlHistory = history;
        NeighborTime = neighborTime;
        OptimizationTime = optimizationTime;
        RepulsionTime = repulsionTime;
    }

    /// <summary>Coordinates [N, 2], row-major.</summary>
    public double[] Embedding { get; }

    /// <summary>The joint affinities P that were embedded.</summary>
    public AffinityMatrix Affinities { get; }

    /// <summary>The engine that computed the repulsion (after resolving Auto).</summary>
    public TsneEngine Engine { get; }

    /// <summary>KL(P‖Q) at every report (iteration number, value); Z from the engine.</summary>
    public IReadOnlyList<(int Iteration, double Kl)> KlHistory { get; }

    /// <summary>The last reported KL divergence (after the final iteration).</summary>
    public double KlDivergence => KlHistory.Count > 0 ? KlHistory[^1].Kl : double.NaN;

    /// <summary>Time for neighbours, perplexity calibration and initialisation.</summary>
    public TimeSpan NeighborTime { get; }

    /// <summary>Time of the gradient descent.</summary>
    public TimeSpan OptimizationTime { get; }

    /// <summary>The part of <see cref="OptimizationTime"/> spent in the repulsion engine.</summary>
    public TimeSpan RepulsionTime { get; }
}
