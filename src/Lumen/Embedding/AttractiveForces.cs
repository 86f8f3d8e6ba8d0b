using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lumen.Embedding;

/// <summary>The attractive part of the t-SNE gradient, Σ_j p_ij w_ij (y_i − y_j), over the sparse P, and the KL divergence.</summary>
public static class AttractiveForces
{
    /// <summary>Fills <paramref name="forces"/> ([N, 2]) with Σ_j p_ij (y_i − y_j) / (1 + |y_i − y_j|²).</summary>
    /// <remarks>
    /// Each pair is visited once (P is symmetric; the pair's force acts on both points with opposite signs). Every thread
    /// sums into a buffer of its own and the buffers are added in thread order, so the result depends only on the
    /// thread count. The neighbours' coordinates are read from a float32 copy: half the bytes, more of them in cache.
    /// </remarks>
    /// <param name="p">The affinities.</param>
    /// <param name="embedding">Coordinates [N, 2].</param>
    /// <param name="forces">Receives the forces [N, 2].</param>
    /// <param name="threads">Threads.</param>
    /// <param name="workspace">Buffers kept between calls (null: allocated for this call).</param>
    public static void Compute(AffinityMatrix p, double[] embedding, double[] forces, int threads, AttractionWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(forces);
        int n = p.Points;
        if (embedding.Length != 2 * n || forces.Length != 2 * n)
            throw new ArgumentException($"Coordinates and forces must hold {n} rows of 2 values.", nameof(embedding));
        var upper = p.Upper;
        int parts = Math.Max(1, Math.Min(Parallelism.Threads(threads), n));
        workspace ??= new AttractionWorkspace();
        var y = workspace.Coordinates(embedding.Length);
        for (int e = 0; e < y.Length; e++) y[e] = (float)embedding[e];
        var sums = workspace.Sums(parts, embedding.Length);
        Parallelism.For(parts, parts, (part, _, _) =>
        {
            var f = sums[part];
            Array.Clear(f);
            AccumulatePairs(upper, y, f, upper.PartStart(part, parts), upper.PartStart(part + 1, parts));
        });
        Parallelism.For(embedding.Length, parts, (start, end, _) =>
        {
            for (int e = start; e < end; e++)
            {
                double total = 0;
                for (int part = 0; part < parts; part++) total += sums[part][e];
                forces[e] = total;
            }
        });
    }

    /// <summary>
    /// Adds the force of every stored pair (i, j), i in [<paramref name="start"/>, <paramref name="end"/>), to both
    /// points in <paramref name="f"/>. The hot loop of t-SNE's attraction: references instead of indexed reads, since
    /// every index comes from the matrix (columns below N by construction) and bounds checks cost a third of the loop.
    /// </summary>
    private static void AccumulatePairs(UpperTriangle upper, float[] coordinates, float[] f, int start, int end)
    {
        ref int rows = ref MemoryMarshal.GetArrayDataReference(upper.RowStarts);
        ref int cols = ref MemoryMarshal.GetArrayDataReference(upper.Columns);
        ref float vals = ref MemoryMarshal.GetArrayDataReference(upper.Values);
        ref float y = ref MemoryMarshal.GetArrayDataReference(coordinates);
        ref float force = ref MemoryMarshal.GetArrayDataReference(f);
        for (int i = start; i < end; i++)
        {
            float yx = Unsafe.Add(ref y, 2 * i), yy = Unsafe.Add(ref y, 2 * i + 1);
            float fx = 0, fy = 0;
            int last = Unsafe.Add(ref rows, i + 1);
            for (int e = Unsafe.Add(ref rows, i); e < last; e++)
            {
                int j = Unsafe.Add(ref cols, e);
                float dx = yx - Unsafe.Add(ref y, 2 * j), dy = yy - Unsafe.Add(ref y, 2 * j + 1);
                float pw = Unsafe.Add(ref vals, e) / (1 + dx * dx + dy * dy);
                float px = pw * dx, py = pw * dy;
                fx += px;
                fy += py;
                Unsafe.Add(ref force, 2 * j) -= px;
                Unsafe.Add(ref force, 2 * j + 1) -= py;
            }

            Unsafe.Add(ref force, 2 * i) += fx;
            Unsafe.Add(ref force, 2 * i + 1) += fy;
        }
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
            // Σ p_ij log(1 + d_ij²) over the pairs j > i, doubled: p and the distances are symmetric.
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                for (int e = p.RowStarts[i]; e < p.RowStarts[i + 1]; e++)
                {
                    int j = p.Columns[e];
                    if (j <= i) continue;
                    double dx = embedding[2 * i] - embedding[2 * j], dy = embedding[2 * i + 1] - embedding[2 * j + 1];
                    sum += p.Values[e] * Math.Log(1 + dx * dx + dy * dy);
                }
            }

            parts[part] = 2 * sum;
        });
        return p.SumPLogP() + parts.Sum() + Math.Log(z);
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
