namespace Lumen.Embedding;

/// <summary>
/// Exact k nearest neighbours of 2-D points with a uniform grid: points are bucketed into cells (about two per cell),
/// and each query scans rings of cells outward until the ring is farther than its k-th best distance.
/// </summary>
public static class PlaneNeighbors
{
    /// <summary>The <paramref name="k"/> nearest neighbours of every point of <paramref name="y"/> ([N, 2] row-major).</summary>
    public static NeighborGraph Search(double[] y, int k, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(y);
        int n = y.Length / 2;
        if (k < 1 || k >= n) throw LumenException.Usage($"Cannot find {k} neighbours among {n} points; k must be between 1 and N - 1.");
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }

        double width = Math.Max(maxX - minX, 1e-12), height = Math.Max(maxY - minY, 1e-12);
        double cell = Math.Sqrt(width * height * 2.0 / n);
        if (!(cell > 0)) cell = Math.Max(width, height);
        int cols = Math.Clamp((int)(width / cell) + 1, 1, 4096), rows = Math.Clamp((int)(height / cell) + 1, 1, 4096);
        double cw = width / cols * (1 + 1e-12), ch = height / rows * (1 + 1e-12);
        var cellOf = new int[n];
        var starts = new int[cols * rows + 1];
        for (int i = 0; i < n; i++)
        {
            int cx = Math.Min(cols - 1, (int)((y[2 * i] - minX) / cw));
            int cy = Math.Min(rows - 1, (int)((y[2 * i + 1] - minY) / ch));
            cellOf[i] = cy * cols + cx;
            starts[cellOf[i] + 1]++;
        }

        for (int c = 0; c < cols * rows; c++) starts[c + 1] += starts[c];
        var members = new int[n];
        var fill = starts[..^1].ToArray();
        for (int i = 0; i < n; i++) members[fill[cellOf[i]]++] = i;

        var heap = new NeighborHeap(n, k);
        Parallelism.For(n, Parallelism.Threads(threads), (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                double px = y[2 * i], py = y[2 * i + 1];
                int cx = cellOf[i] % cols, cy = cellOf[i] / cols;
                for (int ring = 0; ; ring++)
                {
                    // Smallest possible distance to any cell of this ring.
                    double reach = (ring - 1) * Math.Min(cw, ch);
                    if (ring > 0 && reach > 0 && reach * reach > heap.Worst(i)) break;
                    bool any = false;
                    for (int gy = cy - ring; gy <= cy + ring; gy++)
                    {
                        if (gy < 0 || gy >= rows) continue;
                        bool edgeRow = gy == cy - ring || gy == cy + ring;
                        for (int gx = cx - ring; gx <= cx + ring; gx += edgeRow ? 1 : 2 * Math.Max(ring, 1))
                        {
                            if (gx < 0 || gx >= cols) continue;
                            any = true;
                            int c = gy * cols + gx;
                            for (int m = starts[c]; m < starts[c + 1]; m++)
                            {
                                int j = members[m];
                                double dx = px - y[2 * j], dy = py - y[2 * j + 1];
                                heap.Offer(i, j, (float)(dx * dx + dy * dy));
                            }
                        }
                    }

                    if (!any && ring > cols + rows) break;
                }
            }
        });
        return heap.ToGraph(n, Parallelism.Threads(threads));
    }
}
