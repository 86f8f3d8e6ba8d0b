namespace Lumen.Embedding;

/// <summary>
/// Approximate k nearest neighbours for large N: a forest of random-projection trees (each split is the
/// hyperplane halfway between two random points of the node, as in Annoy) gives candidates from the leaves,
/// then rounds of neighbour-of-neighbour refinement (the idea of NN-descent) improve them.
/// </summary>
/// <remarks>
/// Deterministic for a fixed seed and thread count: trees are built from per-tree seeds, leaves of one tree are
/// disjoint (so they update disjoint heaps in parallel), and refinement reads a snapshot of the previous round.
/// </remarks>
public sealed class RandomProjectionForest
{
    /// <summary>Number of trees (default 8).</summary>
    public int Trees { get; init; } = 8;

    /// <summary>Largest leaf, as a multiple of k (default 1.5, at least 32 points).</summary>
    public double LeafSizeFactor { get; init; } = 1.5;

    /// <summary>Neighbour-of-neighbour refinement rounds (default 2).</summary>
    public int RefinementRounds { get; init; } = 2;

    /// <summary>How many of each point's nearest neighbours take part in refinement (default 12).</summary>
    public int RefinementWidth { get; init; } = 12;

    /// <summary>The approximate <paramref name="k"/> nearest neighbours of every point.</summary>
    public NeighborGraph Search(FeatureMatrix data, int k, int seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (k < 1 || k >= data.Rows)
        {
            throw LumenException.Usage($"Cannot find {k} neighbours among {data.Rows} points; k must be between 1 and N - 1.");
        }

        threads = Parallelism.Threads(threads);
        int n = data.Rows;
        int leafSize = Math.Max(32, (int)Math.Ceiling(LeafSizeFactor * k) + 1);
        var heap = new NeighborHeap(n, k);
        var trees = new List<int[]>[Trees];
        System.Threading.Tasks.Parallel.For(0, Trees, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => trees[t] = BuildLeaves(data, leafSize, TreeSeed(seed, t)));
        foreach (var leaves in trees)
        {
            Parallelism.For(leaves.Count, threads, (start, end, _) =>
            {
                for (int l = start; l < end; l++) AddLeafPairs(data, leaves[l], heap);
            });
        }

        for (int round = 0; round < RefinementRounds; round++)
        {
            Refine(data, heap, k, Math.Min(k, RefinementWidth), threads);
        }

        return heap.ToGraph(n, threads);
    }

    /// <summary>
    /// The seed of tree <paramref name="tree"/>: a fixed mix of the run's seed and the tree's number (SplitMix64's
    /// finalizer). Not <see cref="HashCode"/>, which is randomized per process and would make every run differ.
    /// </summary>
    internal static int TreeSeed(int seed, int tree)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)tree) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private static void AddLeafPairs(FeatureMatrix data, int[] leaf, NeighborHeap heap)
    {
        for (int a = 0; a < leaf.Length; a++)
        {
            var row = data.Row(leaf[a]);
            for (int b = a + 1; b < leaf.Length; b++)
            {
                float d = SquaredDistance.Between(row, data.Row(leaf[b]));
                heap.Offer(leaf[a], leaf[b], d);
                heap.Offer(leaf[b], leaf[a], d);
            }
        }
    }

    private static void Refine(FeatureMatrix data, NeighborHeap heap, int k, int width, int threads)
    {
        int n = data.Rows;
        // Snapshot of each point's current `width` nearest neighbours (heaps are unsorted: select by distance).
        var near = new int[n * width];
        Parallelism.For(n, threads, (start, end, _) =>
        {
            var order = new int[k];
            for (int p = start; p < end; p++)
            {
                var dist = heap.Distances.AsSpan(p * k, k).ToArray();
                var idx = heap.Indices.AsSpan(p * k, k).ToArray();
                Array.Sort(dist, idx);
                for (int i = 0; i < width; i++) near[p * width + i] = idx[i];
            }
        });

        Parallelism.For(n, threads, (start, end, _) =>
        {
            for (int p = start; p < end; p++)
            {
                var row = data.Row(p);
                for (int a = 0; a < width; a++)
                {
                    int j = near[p * width + a];
                    if (j < 0) continue;
                    for (int b = 0; b < width; b++)
                    {
                        int c = near[j * width + b];
                        if (c < 0 || c == p) continue;
                        float d = SquaredDistance.Between(row, data.Row(c));
                        heap.Offer(p, c, d);
                    }
                }
            }
        });
    }

    private static List<int[]> BuildLeaves(FeatureMatrix data, int leafSize, int seed)
    {
        var random = new Random(seed);
        var leaves = new List<int[]>();
        var all = Enumerable.Range(0, data.Rows).ToArray();
        var stack = new Stack<(int Start, int Length)>();
        stack.Push((0, all.Length));
        var normal = new float[data.Columns];
        while (stack.Count > 0)
        {
            var (start, length) = stack.Pop();
            if (length <= leafSize)
            {
                leaves.Add(all.AsSpan(start, length).ToArray());
                continue;
            }

            var span = all.AsSpan(start, length);
            int left = SplitByHyperplane(data, span, random, normal);
            if (left == 0 || left == length)
            {
                // All points coincide along every tried direction: split arbitrarily.
                left = length / 2;
            }

            stack.Push((start + left, length - left));
            stack.Push((start, left));
        }

        return leaves;
    }

    private static int SplitByHyperplane(FeatureMatrix data, Span<int> points, Random random, float[] normal)
    {
        int a = points[random.Next(points.Length)];
        int b = points[random.Next(points.Length - 1)];
        if (b == a) b = points[points.Length - 1];
        var ra = data.Row(a);
        var rb = data.Row(b);
        double offset = 0;
        for (int i = 0; i < normal.Length; i++)
        {
            normal[i] = ra[i] - rb[i];
            offset += normal[i] * 0.5 * (ra[i] + rb[i]);
        }

        int lo = 0, hi = points.Length - 1;
        while (lo <= hi)
        {
            double side = Dot(normal, data.Row(points[lo])) - offset;
            bool goesLeft = side < 0 || (side == 0 && random.Next(2) == 0);
            if (goesLeft)
            {
                lo++;
            }
            else
            {
                (points[lo], points[hi]) = (points[hi], points[lo]);
                hi--;
            }
        }

        return lo;
    }

    private static double Dot(float[] a, ReadOnlySpan<float> b)
    {
        var va = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(a);
        var vb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(b);
        var sum = System.Numerics.Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        double total = System.Numerics.Vector.Sum(sum);
        for (int i = va.Length * System.Numerics.Vector<float>.Count; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
