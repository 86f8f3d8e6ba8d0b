namespace Lumen.Embedding;

/// <summary>
/// The symmetric joint affinities P of t-SNE in compressed sparse rows: p_ij = (p(j|i) + p(i|j)) / 2N over the union
/// of the kNN graph and its transpose, so Σ p_ij = 1 and p_ij = p_ji.
/// </summary>
public sealed class AffinityMatrix
{
    private AffinityMatrix(int points, int[] rowStarts, int[] columns, double[] values)
    {
        Points = points;
        RowStarts = rowStarts;
        Columns = columns;
        Values = values;
    }

    /// <summary>Number of points.</summary>
    public int Points { get; }

    /// <summary>Row i occupies entries RowStarts[i] .. RowStarts[i + 1] − 1.</summary>
    public int[] RowStarts { get; }

    /// <summary>Column index of each stored entry (increasing within a row).</summary>
    public int[] Columns { get; }

    /// <summary>p_ij of each stored entry.</summary>
    public double[] Values { get; }

    /// <summary>
    /// The entries with j &gt; i (each pair once, since p_ij = p_ji) as float32 rows, for the attraction loop, which
    /// then does half the work and streams half the bytes.
    /// </summary>
    internal UpperTriangle Upper => _upper ??= UpperTriangle.Of(this);

    private UpperTriangle? _upper;

    /// <summary>Number of stored entries.</summary>
    public int NonZeros => Columns.Length;

    /// <summary>Calibrates p(j|i) on <paramref name="graph"/> for <paramref name="perplexity"/> and symmetrises.</summary>
    public static AffinityMatrix FromNeighbors(NeighborGraph graph, double perplexity, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var conditional = PerplexityCalibration.Conditional(graph, perplexity, threads);
        return Symmetrize(graph.Points, graph.K, graph.Indices, conditional);
    }

    /// <summary>Builds P from row-major conditional probabilities [N, k] over neighbour lists [N, k].</summary>
    public static AffinityMatrix Symmetrize(int points, int k, int[] neighbors, double[] conditional)
    {
        ArgumentNullException.ThrowIfNull(neighbors);
        ArgumentNullException.ThrowIfNull(conditional);
        // Count entries per row of the sum C + Cᵀ before merging duplicates.
        var counts = new int[points + 1];
        for (int i = 0; i < points; i++)
        {
            for (int a = 0; a < k; a++)
            {
                counts[i + 1]++;
                counts[neighbors[i * k + a] + 1]++;
            }
        }

        for (int i = 0; i < points; i++) counts[i + 1] += counts[i];
        var cols = new int[counts[points]];
        var vals = new double[counts[points]];
        var fill = counts[..points].ToArray();
        for (int i = 0; i < points; i++)
        {
            for (int a = 0; a < k; a++)
            {
                int j = neighbors[i * k + a];
                double v = conditional[i * k + a];
                cols[fill[i]] = j;
                vals[fill[i]++] = v;
                cols[fill[j]] = i;
                vals[fill[j]++] = v;
            }
        }

        // Sort each row by column and merge duplicates (a pair that is in both directions).
        var rowStarts = new int[points + 1];
        var outCols = new List<int>(cols.Length);
        var outVals = new List<double>(cols.Length);
        double scale = 1.0 / (2.0 * points);
        for (int i = 0; i < points; i++)
        {
            int start = counts[i], length = counts[i + 1] - counts[i];
            Array.Sort(cols, vals, start, length);
            for (int e = start; e < start + length; e++)
            {
                if (outCols.Count > rowStarts[i] && outCols[^1] == cols[e])
                {
                    outVals[^1] += vals[e] * scale;
                }
                else
                {
                    outCols.Add(cols[e]);
                    outVals.Add(vals[e] * scale);
                }
            }

            rowStarts[i + 1] = outCols.Count;
        }

        return new AffinityMatrix(points, rowStarts, outCols.ToArray(), outVals.ToArray());
    }

    /// <summary>
    /// The same affinities with the points renumbered: new point k is old point <paramref name="order"/>[k]. Used to
    /// put points that attract each other next to each other in memory.
    /// </summary>
    public AffinityMatrix Permute(int[] order, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length != Points) throw new ArgumentException($"The order must list all {Points} points.", nameof(order));
        var rank = new int[Points];
        for (int k = 0; k < Points; k++) rank[order[k]] = k;
        var rowStarts = new int[Points + 1];
        for (int k = 0; k < Points; k++) rowStarts[k + 1] = rowStarts[k] + RowStarts[order[k] + 1] - RowStarts[order[k]];
        var cols = new int[NonZeros];
        var vals = new double[NonZeros];
        Parallelism.For(Points, Parallelism.Threads(threads), (start, end, _) =>
        {
            for (int k = start; k < end; k++)
            {
                int old = order[k], from = RowStarts[old], length = RowStarts[old + 1] - from, to = rowStarts[k];
                for (int e = 0; e < length; e++)
                {
                    cols[to + e] = rank[Columns[from + e]];
                    vals[to + e] = Values[from + e];
                }

                Array.Sort(cols, vals, to, length);
            }
        });
        return new AffinityMatrix(Points, rowStarts, cols, vals);
    }

    /// <summary>Σ p_ij log p_ij over the stored entries (the constant part of the KL divergence).</summary>
    public double SumPLogP()
    {
        if (_sumPLogP is { } known) return known;
        double sum = 0;
        foreach (var v in Values)
        {
            if (v > 0) sum += v * Math.Log(v);
        }

        _sumPLogP = sum;
        return sum;
    }

    private double? _sumPLogP;
}
