namespace Lumen.Embedding;

/// <summary>
/// The k nearest neighbours of every point: <see cref="Indices"/> and squared Euclidean <see cref="SquaredDistances"/>,
/// row-major [N, k], each row sorted by increasing distance; a point is never its own neighbour.
/// </summary>
public sealed class NeighborGraph
{
    /// <summary>Wraps the arrays (not copied).</summary>
    public NeighborGraph(int points, int k, int[] indices, float[] squaredDistances)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(squaredDistances);
        if (indices.Length != (long)points * k || squaredDistances.Length != indices.Length)
        {
            throw new ArgumentException($"A graph of {points} points with {k} neighbours needs {(long)points * k} entries.");
        }

        Points = points;
        K = k;
        Indices = indices;
        SquaredDistances = squaredDistances;
    }

    /// <summary>Number of points.</summary>
    public int Points { get; }

    /// <summary>Neighbours per point.</summary>
    public int K { get; }

    /// <summary>Neighbour indices, row-major [N, k].</summary>
    public int[] Indices { get; }

    /// <summary>Squared distances to the neighbours, row-major [N, k], increasing along each row.</summary>
    public float[] SquaredDistances { get; }

    /// <summary>The neighbours of point <paramref name="point"/>, nearest first.</summary>
    public ReadOnlySpan<int> NeighborsOf(int point) => new(Indices, point * K, K);

    /// <summary>Fraction of this graph's neighbours that are also in <paramref name="exact"/> (recall), over the listed points.</summary>
    public double RecallAgainst(NeighborGraph exact, IReadOnlyList<int> points)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(points);
        long hits = 0, total = 0;
        for (int n = 0; n < points.Count; n++)
        {
            int p = points[n];
            var truth = new HashSet<int>(exact.NeighborsOf(p).ToArray());
            foreach (var j in NeighborsOf(p)[..Math.Min(K, exact.K)])
            {
                if (truth.Contains(j)) hits++;
            }

            total += Math.Min(K, exact.K);
        }

        return total == 0 ? 1 : (double)hits / total;
    }
}
