namespace Lumen.Embedding;

/// <summary>
/// Figures that compare embeddings of the same data: trustworthiness (how many of a point's embedding neighbours are
/// false neighbours in the input, weighted by how far off they are) and k-NN class agreement.
/// </summary>
public static class EmbeddingQuality
{
    /// <summary>
    /// Trustworthiness (Venna &amp; Kaski 2001, as scikit-learn computes it):
    /// T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i} (r(i, j) − k), where U_i are the k embedding neighbours of i
    /// that are not among its k input neighbours and r(i, j) is j's rank among i's input neighbours (1 = nearest).
    /// Computed exactly on a fixed random sample of <paramref name="sampleSize"/> points when N is larger (ranks within the sample).
    /// </summary>
    public static double Trustworthiness(FeatureMatrix input, double[] embedding, int k = 10, int sampleSize = 5000, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(embedding);
        int[] sample = Sample(input.Rows, sampleSize, seed);
        int n = sample.Length;
        if (k < 1 || 2 * n - 3 * k - 1 <= 0)
        {
            throw LumenException.Usage($"Trustworthiness with k = {k} needs more than {(3 * k + 1) / 2} points, got {n}.");
        }

        var x = new float[n * input.Columns];
        var y = new double[2 * n];
        for (int s = 0; s < n; s++)
        {
            input.Row(sample[s]).CopyTo(x.AsSpan(s * input.Columns));
            y[2 * s] = embedding[2 * sample[s]];
            y[2 * s + 1] = embedding[2 * sample[s] + 1];
        }

        var xs = new FeatureMatrix(n, input.Columns, x);
        var near = PlaneNeighbors.Search(y, k, threads);
        threads = Math.Max(1, Math.Min(Parallelism.Threads(threads), n));
        var parts = new double[threads];
        Parallelism.For(n, threads, (start, end, part) =>
        {
            var d = new float[n];
            double penalty = 0;
            for (int i = start; i < end; i++)
            {
                var row = xs.Row(i);
                for (int j = 0; j < n; j++) d[j] = j == i ? float.NegativeInfinity : SquaredDistance.Between(row, xs.Row(j));
                foreach (int j in near.NeighborsOf(i))
                {
                    // Rank among input neighbours; ties are broken by index, as a stable argsort would.
                    int rank = 0;
                    float dj = d[j];
                    for (int l = 0; l < n; l++)
                    {
                        if (l != i && (d[l] < dj || (d[l] == dj && l < j))) rank++;
                    }

                    rank++;
                    if (rank > k) penalty += rank - k;
                }
            }

            parts[part] = penalty;
        });
        return 1 - 2.0 / (n * (double)k * (2.0 * n - 3.0 * k - 1.0)) * parts.Sum();
    }

    /// <summary>Mean over points of the fraction of its <paramref name="k"/> nearest embedding neighbours with the same label.</summary>
    public static double KnnAgreement(double[] embedding, IReadOnlyList<long> labels, int k = 10, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(labels);
        return KnnAgreement(PlaneNeighbors.Search(embedding, k, threads), labels, k);
    }

    /// <summary>The same figure from any neighbour graph (e.g. of the input space), using its first <paramref name="k"/> neighbours.</summary>
    public static double KnnAgreement(NeighborGraph graph, IReadOnlyList<long> labels, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != graph.Points) throw LumenException.InputData($"There are {labels.Count} labels for {graph.Points} points; give one label per point.");
        k = Math.Min(k, graph.K);
        long same = 0;
        for (int i = 0; i < graph.Points; i++)
        {
            var nb = graph.NeighborsOf(i);
            for (int a = 0; a < k; a++)
            {
                if (labels[nb[a]] == labels[i]) same++;
            }
        }

        return (double)same / ((long)graph.Points * k);
    }

    /// <summary>The fixed sample: all points if N ≤ size, else a seeded random subset, sorted.</summary>
    public static int[] Sample(int points, int size, int seed)
    {
        var all = Enumerable.Range(0, points).ToArray();
        if (points <= size) return all;
        var random = new Random(seed);
        for (int i = 0; i < size; i++)
        {
            int j = i + random.Next(points - i);
            (all[i], all[j]) = (all[j], all[i]);
        }

        var sample = all[..size];
        Array.Sort(sample);
        return sample;
    }
}
