namespace Lumen.Embedding;

/// <summary>Repulsive forces by summing over every pair: O(N²), exact; for small N and as the reference in tests.</summary>
public sealed class ExactRepulsion : IRepulsiveForces
{
    private readonly int _threads;

    /// <summary>Creates the engine for <paramref name="threads"/> threads (0 = all cores).</summary>
    public ExactRepulsion(int threads = 0) => _threads = Parallelism.Threads(threads);

    /// <inheritdoc />
    public double Compute(double[] embedding, double[] forces)
    {
        var y = embedding;
        var f = forces;
        int n = y.Length / 2;
        int parts = Math.Max(1, Math.Min(_threads, n));
        var z = new double[parts];
        Parallelism.For(n, parts, (start, end, part) =>
        {
            double zPart = 0;
            for (int i = start; i < end; i++)
            {
                double yx = y[2 * i], yy = y[2 * i + 1], fx = 0, fy = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
                    double w = 1 / (1 + dx * dx + dy * dy);
                    zPart += w;
                    fx += w * w * dx;
                    fy += w * w * dy;
                }

                f[2 * i] = fx;
                f[2 * i + 1] = fy;
            }

            z[part] = zPart;
        });
        return z.Sum();
    }
}
