namespace Lumen.Embedding;

/// <summary>Exact k nearest neighbours by comparing every pair of points (O(N² D)); for small data and for measuring recall.</summary>
public static class ExactNeighbors
{
    /// <summary>The <paramref name="k"/> nearest neighbours of every point of <paramref name="data"/>.</summary>
    public static NeighborGraph Search(FeatureMatrix data, int k, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Search(data, k, Enumerable.Range(0, data.Rows).ToArray(), threads);
    }

    /// <summary>The exact neighbours of the listed <paramref name="queries"/> only (rows of the result follow the list).</summary>
    public static NeighborGraph Search(FeatureMatrix data, int k, IReadOnlyList<int> queries, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(queries);
        if (k < 1 || k >= data.Rows)
        {
            throw LumenException.Usage($"Cannot find {k} neighbours among {data.Rows} points; k must be between 1 and N - 1.");
        }

        var heap = new NeighborHeap(queries.Count, k);
        Parallelism.For(queries.Count, Parallelism.Threads(threads), (start, end, _) =>
        {
            for (int q = start; q < end; q++)
            {
                int p = queries[q];
                var row = data.Row(p);
                for (int j = 0; j < data.Rows; j++)
                {
                    if (j == p) continue;
                    float d = SquaredDistance.Between(row, data.Row(j));
                    if (d < heap.Worst(q)) heap.Offer(q, j, d);
                }
            }
        });
        return heap.ToGraph(queries.Count, Parallelism.Threads(threads));
    }
}
