using System.Diagnostics;

namespace Lumen.Embedding;

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten &amp; Hinton 2008) to two dimensions, with the
/// approximations that let it scale: sparse P on k = 3·perplexity neighbours, and Barnes-Hut or FFT-interpolated
/// repulsion. See <see cref="TsneOptions"/> for defaults and conventions.
/// </summary>
public static class Tsne
{
    /// <summary>The engine <see cref="TsneEngine.Auto"/> picks for <paramref name="points"/> points.</summary>
    public static TsneEngine ResolveEngine(TsneEngine engine, int points) => engine != TsneEngine.Auto ? engine
        : points < 1000 ? TsneEngine.Exact : points < 10000 ? TsneEngine.BarnesHut : TsneEngine.Fft;

    /// <summary>Neighbours per point for a perplexity: min(N − 1, ⌊3·perplexity⌋) (openTSNE).</summary>
    public static int NeighborCount(double perplexity, int points) => Math.Min(points - 1, (int)Math.Floor(3 * perplexity));

    /// <summary>Embeds <paramref name="data"/> ([N, D]) in 2-D.</summary>
    /// <exception cref="LumenException">Invalid settings (kind Usage).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was triggered.</exception>
    public static TsneResult Run(FeatureMatrix data, TsneOptions? options = null, IProgress<TsneProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TsneOptions();
        options.Validate(data.Rows);
        int threads = Parallelism.Threads(options.Threads);
        var clock = Stopwatch.StartNew();
        progress?.Report(new TsneProgress("neighbors", 0, 0, null));
        var graph = NeighborSearch.Find(data, NeighborCount(options.Perplexity, data.Rows), options.Neighbors, options.Seed, threads);
        cancellation.ThrowIfCancellationRequested();
        progress?.Report(new TsneProgress("affinities", 0, 0, null));
        var p = AffinityMatrix.FromNeighbors(graph, options.Perplexity, threads);
        progress?.Report(new TsneProgress("initialization", 0, 0, null));
        var y = options.InitialEmbedding is { } given ? (double[])given.Clone()
            : options.Initialization == TsneInitializationKind.Random ? TsneInitialization.Random(data.Rows, options.Seed)
            : TsneInitialization.Pca(data, options.Seed);
        var prepared = clock.Elapsed;
        return Optimize(p, y, options, progress, cancellation, prepared);
    }

    /// <summary>Runs the gradient descent on given affinities from start <paramref name="initial"/> ([N, 2], not modified).</summary>
    public static TsneResult Optimize(AffinityMatrix p, double[] initial, TsneOptions? options = null,
        IProgress<TsneProgress>? progress = null, CancellationToken cancellation = default) =>
        Optimize(p, (double[])initial.Clone(), options ?? new TsneOptions(), progress, cancellation, TimeSpan.Zero);

    private static TsneResult Optimize(AffinityMatrix p, double[] y, TsneOptions options, IProgress<TsneProgress>? progress,
        CancellationToken cancellation, TimeSpan prepared)
    {
        ArgumentNullException.ThrowIfNull(p);
        int n = p.Points;
        if (y.Length != 2 * n) throw LumenException.Usage($"The initial embedding needs {n} rows of 2 coordinates.");
        int threads = Parallelism.Threads(options.Threads);
        var engine = ResolveEngine(options.Engine, n);
        IRepulsiveForces repulsion = engine switch
        {
            TsneEngine.Exact => new ExactRepulsion(threads),
            TsneEngine.BarnesHut => new BarnesHutRepulsion(options.Theta, threads),
            _ => new FftRepulsion(options.MinIntervals, options.AutoBoxesPerUnit(p.Points), threads, options.InterpolationPoints),
        };

        try
        {
            return Descend(p, y, options, repulsion, engine, progress, cancellation, prepared);
        }
        finally
        {
            (repulsion as IDisposable)?.Dispose();
        }
    }

    private static TsneResult Descend(AffinityMatrix p, double[] y, TsneOptions options, IRepulsiveForces repulsion,
        TsneEngine engine, IProgress<TsneProgress>? progress, CancellationToken cancellation, TimeSpan prepared)
    {
        int n = p.Points;
        int threads = Parallelism.Threads(options.Threads);
        var clock = Stopwatch.StartNew();
        var original = p;
        // Renumber the points in the quadtree order of the embedding, so that points that attract each other (close in
        // the map) are close in memory; again when early exaggeration has formed the clusters. Undone at the end.
        var position = Enumerable.Range(0, n).ToArray();
        var tree = new QuadTree();
        var attract = new double[2 * n];
        var workspace = new AttractionWorkspace();
        var repel = new double[2 * n];
        var update = new double[2 * n];
        var gains = new double[2 * n];
        Array.Fill(gains, 1.0);
        var history = new List<(int, double)>();
        var repulsionTime = TimeSpan.Zero;
        int total = options.ExaggerationIterations + options.Iterations;
        for (int iter = 0; iter < total; iter++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (iter == 0 || iter == options.ExaggerationIterations)
            {
                tree.Build(y);
                var order = (int[])tree.Order.Clone();
                p = p.Permute(order, threads);
                foreach (var state in new[] { y, update, gains })
                {
                    var copy = (double[])state.Clone();
                    for (int k = 0; k < n; k++)
                    {
                        state[2 * k] = copy[2 * order[k]];
                        state[2 * k + 1] = copy[2 * order[k] + 1];
                    }
                }

                position = order.Select(k => position[k]).ToArray();
            }

            bool early = iter < options.ExaggerationIterations;
            double alpha = early ? options.EarlyExaggeration : options.Exaggeration;
            double momentum = early ? options.InitialMomentum : options.FinalMomentum;
            double rate = options.LearningRate ?? Math.Max(n / alpha, 1e-3);

            long before = Stopwatch.GetTimestamp();
            double z = repulsion.Compute(y, repel);
            repulsionTime += Stopwatch.GetElapsedTime(before);
            AttractiveForces.Compute(p, y, attract, threads, workspace);
            bool report = (iter + 1) % Math.Max(1, options.ReportEvery) == 0 || iter == total - 1;
            if (report)
            {
                double kl = AttractiveForces.KlDivergence(p, y, z, threads);
                history.Add((iter + 1, kl));
                progress?.Report(new TsneProgress("optimization", iter + 1, total, kl));
            }
            else if ((iter + 1) % 10 == 0)
            {
                progress?.Report(new TsneProgress("optimization", iter + 1, total, null));
            }

            Step(y, attract, repel, update, gains, alpha, 1 / z, momentum, rate, options.MaxStepNorm, threads);
        }

        var result = new double[2 * n];
        for (int k = 0; k < n; k++)
        {
            result[2 * position[k]] = y[2 * k];
            result[2 * position[k] + 1] = y[2 * k + 1];
        }

        return new TsneResult(result, original, engine, history, prepared, clock.Elapsed, repulsionTime);
    }

    private static void Step(double[] y, double[] attract, double[] repel, double[] update, double[] gains,
        double alpha, double invZ, double momentum, double rate, double maxStep, int threads)
    {
        Parallelism.For(y.Length / 2, threads, (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                double sx = 0, sy = 0;
                for (int a = 0; a < 2; a++)
                {
                    int e = 2 * i + a;
                    double grad = alpha * attract[e] - repel[e] * invZ;
                    gains[e] = (grad > 0) != (update[e] > 0) ? gains[e] + 0.2 : Math.Max(gains[e] * 0.8, 0.01);
                    update[e] = momentum * update[e] - rate * gains[e] * grad;
                    if (a == 0) sx = update[e]; else sy = update[e];
                }

                double norm = Math.Sqrt(sx * sx + sy * sy);
                if (maxStep > 0 && norm > maxStep)
                {
                    double s = maxStep / norm;
                    update[2 * i] *= s;
                    update[2 * i + 1] *= s;
                }

                y[2 * i] += update[2 * i];
                y[2 * i + 1] += update[2 * i + 1];
            }
        });
    }
}
