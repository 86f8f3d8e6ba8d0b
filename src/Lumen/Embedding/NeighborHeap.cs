namespace Lumen.Embedding;

/// <summary>
/// Per-point bounded max-heaps of (squared distance, index) holding the best k candidates seen so far; the storage
/// for all points is two flat arrays. Offering a candidate already present does nothing.
/// </summary>
internal sealed class NeighborHeap
{
    private readonly int _k;

    public NeighborHeap(int points, int k)
    {
        _k = k;
        Indices = new int[(long)points * k];
        Distances = new float[(long)points * k];
        Array.Fill(Indices, -1);
        Array.Fill(Distances, float.PositiveInfinity);
    }

    public int[] Indices { get; }

    public float[] Distances { get; }

    /// <summary>The current worst (largest) distance kept for <paramref name="point"/>.</summary>
    public float Worst(int point) => Distances[point * _k];

    /// <summary>Offers candidate <paramref name="index"/> at <paramref name="distance"/> to the heap of <paramref name="point"/>.</summary>
    public bool Offer(int point, int index, float distance)
    {
        int offset = point * _k;
        var dist = Distances.AsSpan(offset, _k);
        if (!(distance < dist[0]) || index == point)
        {
            return false;
        }

        var idx = Indices.AsSpan(offset, _k);
        if (idx.Contains(index))
        {
            return false;
        }

        // Replace the root and sift down.
        int i = 0;
        while (true)
        {
            int left = 2 * i + 1;
            if (left >= _k) break;
            int right = left + 1;
            int larger = right < _k && dist[right] > dist[left] ? right : left;
            if (dist[larger] <= distance) break;
            dist[i] = dist[larger];
            idx[i] = idx[larger];
            i = larger;
        }

        dist[i] = distance;
        idx[i] = index;
        return true;
    }

    /// <summary>Sorts every heap by increasing distance (ties by index) and returns them as a graph.</summary>
    public NeighborGraph ToGraph(int points, int threads)
    {
        Parallelism.For(points, threads, (start, end, _) =>
        {
            var order = new int[_k];
            var d = new float[_k];
            var ix = new int[_k];
            for (int p = start; p < end; p++)
            {
                var dist = Distances.AsSpan(p * _k, _k);
                var idx = Indices.AsSpan(p * _k, _k);
                for (int i = 0; i < _k; i++) order[i] = i;
                dist.CopyTo(d);
                idx.CopyTo(ix);
                Array.Sort(order, (a, b) => d[a] != d[b] ? d[a].CompareTo(d[b]) : ix[a].CompareTo(ix[b]));
                for (int i = 0; i < _k; i++)
                {
                    dist[i] = d[order[i]];
                    idx[i] = ix[order[i]];
                }
            }
        });
        return new NeighborGraph(points, _k, Indices, Distances);
    }
}
