namespace Lumen.Embedding;

/// <summary>The attractive part of the t-SNE gradient, Σ_j p_ij w_ij (y_i − y_j), over the sparse P, and the KL divergence.</summary>
public static class AttractiveForces
{
    /// <summary>Fills <paramref name="forces"/> ([N, 2]) with Σ_j p_ij (y_i − y_j) / (1 + |y_i − y_j|²).</summary>
    /// <param name="p">The affinities.</param>
    /// <param name="embedding">Coordinates [N, 2].</param>
    /// <param name="forces">Receives the forces [N, 2].</param>
    /// <param name="threads">Threads.</param>
    /// <param name="scratch">Optional float buffer of length 2N for a float32 copy of the coordinates (the neighbours'
    /// coordinates are read at random; half the bytes means more of them stay in cache).</param>
    public static void Compute(AffinityMatrix p, double[] embedding, double[] forces, int threads, float[]? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(forces);
        var rows = p.RowStarts;
        var cols = p.Columns;
        var vals = p.SingleValues;
        var y = scratch is { } given && given.Length == embedding.Length ? given : new float[embedding.Length];
        for (int e = 0; e < y.Length; e++) y[e] = (float)embedding[e];
        Parallelism.For(p.Points, threads, (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                float yx = y[2 * i], yy = y[2 * i + 1];
                double fx = 0, fy = 0;
                for (int e = rows[i]; e < rows[i + 1]; e++)
                {
                    int j = cols[e];
                    float dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
                    float pw = vals[e] / (1 + dx * dx + dy * dy);
                    fx += pw * dx;
                    fy += pw * dy;
                }

                forces[2 * i] = fx;
                forces[2 * i + 1] = fy;
            }
        });
    }

    /// <summary>
    /// KL(P‖Q) = Σ p_ij log p_ij + Σ p_ij log(1 + d_ij²) + log Z for the given normalisation <paramref name="z"/>
    /// (exact Z from <see cref="ExactRepulsion"/>, or an engine's approximation).
    /// </summary>
    public static double KlDivergence(AffinityMatrix p, double[] embedding, double z, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(embedding);
        threads = Math.Max(1, Math.Min(Parallelism.Threads(threads), p.Points));
        var parts = new double[threads];
        Parallelism.For(p.Points, threads, (start, end, part) =>
        {
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                for (int e = p.RowStarts[i]; e < p.RowStarts[i + 1]; e++)
                {
                    int j = p.Columns[e];
                    double v = p.Values[e];
                    if (v <= 0) continue;
                    double dx = embedding[2 * i] - embedding[2 * j], dy = embedding[2 * i + 1] - embedding[2 * j + 1];
                    sum += v * (Math.Log(v) + Math.Log(1 + dx * dx + dy * dy));
                }
            }

            parts[part] = sum;
        });
        return parts.Sum() + Math.Log(z);
    }

    /// <summary>KL(P‖Q) with the exact Z (O(N²)).</summary>
    public static double ExactKlDivergence(AffinityMatrix p, double[] embedding, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        var scratch = new double[embedding.Length];
        double z = new ExactRepulsion(threads).Compute(embedding, scratch);
        return KlDivergence(p, embedding, z, threads);
    }
}
