namespace Lumen.Embedding;

/// <summary>
/// Conditional affinities p(j|i) ∝ exp(−β_i d²_ij) over each point's k nearest neighbours, with β_i found by
/// binary search so that the entropy of p(·|i) equals log(perplexity) (natural log, as in van der Maaten &amp; Hinton 2008).
/// </summary>
public static class PerplexityCalibration
{
    /// <summary>Largest number of bisection steps per point.</summary>
    public const int MaxSteps = 200;

    /// <summary>Stop when |H − log(perplexity)| is below this.</summary>
    public const double EntropyTolerance = 1e-5;

    /// <summary>The conditional probabilities, row-major [N, k] aligned with <paramref name="graph"/>; each row sums to 1.</summary>
    public static double[] Conditional(NeighborGraph graph, double perplexity, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!(perplexity > 0) || perplexity > graph.K)
        {
            throw LumenException.Usage($"Perplexity {perplexity} does not fit {graph.K} neighbours; use a perplexity between 1 and {graph.K} (at most (N − 1) / 3 for N points).");
        }

        int k = graph.K;
        var p = new double[graph.Points * k];
        double target = Math.Log(perplexity);
        Parallelism.For(graph.Points, Parallelism.Threads(threads), (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                Calibrate(graph.SquaredDistances.AsSpan(i * k, k), target, p.AsSpan(i * k, k));
            }
        });
        return p;
    }

    /// <summary>Finds β for one point and writes its normalised p(·|i) into <paramref name="p"/>; returns β.</summary>
    public static double Calibrate(ReadOnlySpan<float> squaredDistances, double targetEntropy, Span<double> p)
    {
        // Shift by the smallest distance: exp(−β(d − d_min)) has the same normalised values and never underflows to all zeros.
        double min = double.PositiveInfinity;
        foreach (var d in squaredDistances) min = Math.Min(min, d);
        double beta = 1, lo = 0, hi = double.PositiveInfinity;
        for (int step = 0; step < MaxSteps; step++)
        {
            double sum = 0, weighted = 0;
            for (int j = 0; j < squaredDistances.Length; j++)
            {
                double shifted = squaredDistances[j] - min;
                double v = Math.Exp(-beta * shifted);
                p[j] = v;
                sum += v;
                weighted += v * shifted;
            }

            double entropy = Math.Log(sum) + beta * weighted / sum;
            for (int j = 0; j < p.Length; j++) p[j] /= sum;
            double diff = entropy - targetEntropy;
            if (Math.Abs(diff) < EntropyTolerance) break;
            if (diff > 0)
            {
                lo = beta;
                beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2;
            }
            else
            {
                hi = beta;
                beta = (beta + lo) / 2;
            }
        }

        return beta;
    }

    /// <summary>The entropy (natural log) of a distribution; zero entries contribute nothing.</summary>
    public static double Entropy(ReadOnlySpan<double> p)
    {
        double h = 0;
        foreach (var v in p)
        {
            if (v > 0) h -= v * Math.Log(v);
        }

        return h;
    }
}
