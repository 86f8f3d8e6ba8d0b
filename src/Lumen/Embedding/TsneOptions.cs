namespace Lumen.Embedding;

/// <summary>
/// Settings of a t-SNE run. Defaults follow current practice (Belkina et al. 2019, Kobak &amp; Berens 2019, openTSNE):
/// perplexity 30 on k = min(N − 1, 3·perplexity) neighbours, PCA initialisation, 250 iterations of early
/// exaggeration 12 at momentum 0.5, then 750 at exaggeration 1 and momentum 0.8, learning rate N / exaggeration.
/// </summary>
/// <remarks>
/// Gradient convention: openTSNE's. The optimiser follows g_i = Σ_j (α p_ij − q_ij) w_ij (y_i − y_j), which is the
/// KL gradient divided by 4, so its learning rate N/α equals scikit-learn's "auto" rate N/(4α) applied to the full
/// gradient. Gains follow Jacobs' delta-bar-delta rule (+0.2 / ×0.8, floor 0.01) and each point's step is clipped
/// to length <see cref="MaxStepNorm"/>, as openTSNE does.
/// </remarks>
public sealed record TsneOptions
{
    /// <summary>Perplexity (effective number of neighbours); default 30.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Repulsion engine; default <see cref="TsneEngine.Auto"/>.</summary>
    public TsneEngine Engine { get; init; } = TsneEngine.Auto;

    /// <summary>Neighbour search; default <see cref="NeighborMethod.Auto"/>.</summary>
    public NeighborMethod Neighbors { get; init; } = NeighborMethod.Auto;

    /// <summary>Initialisation when <see cref="InitialEmbedding"/> is null; default PCA.</summary>
    public TsneInitializationKind Initialization { get; init; } = TsneInitializationKind.Pca;

    /// <summary>User-given start [N, 2] row-major, used as is (not rescaled).</summary>
    public double[]? InitialEmbedding { get; init; }

    /// <summary>Iterations with early exaggeration; default 250.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>Early exaggeration factor α; default 12.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>Iterations after early exaggeration; default 750.</summary>
    public int Iterations { get; init; } = 750;

    /// <summary>Exaggeration of the second phase; default 1 (none).</summary>
    public double Exaggeration { get; init; } = 1;

    /// <summary>Learning rate; null for "auto" = N / exaggeration of the current phase.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Momentum during early exaggeration; default 0.5.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>Momentum afterwards; default 0.8.</summary>
    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>Largest step length of one point in one iteration; default 5 (openTSNE).</summary>
    public double MaxStepNorm { get; init; } = 5;

    /// <summary>Barnes-Hut opening angle θ; default 0.5.</summary>
    public double Theta { get; init; } = 0.5;

    /// <summary>FFT engine: smallest number of boxes per axis; default 50.</summary>
    public int MinIntervals { get; init; } = 50;

    /// <summary>
    /// FFT engine: boxes per unit of embedding length; null (default) for <see cref="AutoBoxesPerUnit"/>. Finer grids
    /// approach the exact gradient at a cost that grows with the square of this value (measured on 2,000 clustered
    /// points: final KL about 4 % over the exact engine's at 1 box per unit, about 1 % at 2).
    /// </summary>
    public double? BoxesPerUnit { get; init; }

    /// <summary>Below this many points the automatic FFT grid has 2 boxes per unit, from here on 1.</summary>
    public const int FineGridBelow = 10_000;

    /// <summary>
    /// The FFT grid for <paramref name="points"/> points: <see cref="BoxesPerUnit"/> when set, else 2 boxes per unit
    /// below <see cref="FineGridBelow"/> points (where an iteration costs milliseconds and the finer grid keeps the KL
    /// within 3 % of the exact engine's) and 1 from there on (FIt-SNE's and openTSNE's grid, 3 nodes per unit).
    /// </summary>
    public double AutoBoxesPerUnit(int points) => BoxesPerUnit ?? (points < FineGridBelow ? 2 : 1);

    /// <summary>FFT engine: Lagrange interpolation nodes per box and axis, 2 to 8; default 3 (FIt-SNE's and openTSNE's).</summary>
    public int InterpolationPoints { get; init; } = 3;

    /// <summary>Report the KL divergence every this many iterations; default 50.</summary>
    public int ReportEvery { get; init; } = 50;

    /// <summary>Seed of the neighbour search and random initialisation; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Threads; 0 = all cores. Results are identical for a fixed seed and thread count.</summary>
    public int Threads { get; init; }

    /// <summary>Checks the settings against <paramref name="points"/>.</summary>
    /// <exception cref="LumenException">A setting out of range (kind Usage).</exception>
    public void Validate(int points)
    {
        if (points < 4) throw LumenException.Usage($"t-SNE needs at least 4 points, got {points}.");
        if (!(Perplexity >= 1)) throw LumenException.Usage($"Perplexity must be at least 1, not {Perplexity}.");
        if (3 * Perplexity > points - 1)
        {
            throw LumenException.Usage($"Perplexity {Perplexity} is too large for {points} points; use at most {(points - 1) / 3.0:0.#} (k = 3·perplexity neighbours must exist).");
        }

        if (ExaggerationIterations < 0 || Iterations < 0) throw LumenException.Usage("Iteration counts must not be negative.");
        if (!(EarlyExaggeration > 0) || !(Exaggeration > 0)) throw LumenException.Usage("Exaggeration factors must be positive.");
        FftRepulsion.ValidateGrid(InterpolationPoints, BoxesPerUnit);
        if (LearningRate is { } rate && !(rate > 0)) throw LumenException.Usage($"The learning rate must be positive, not {rate}.");
        if (InitialEmbedding is { } init && init.Length != 2 * points)
        {
            throw LumenException.Usage($"The initial embedding has {init.Length / 2} rows; it needs one row of 2 coordinates per point ({points}).");
        }
    }
}
