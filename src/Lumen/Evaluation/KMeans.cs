namespace Lumen.Evaluation;

/// <summary>
/// k-means (Lloyd's iterations) with k-means++ seeding from a seeded generator; the best of several restarts by
/// inertia (the sum of squared distances to the nearest centre), as scikit-learn's KMeans.
/// </summary>
public static class KMeans
{
    /// <summary>The cluster of each row of <paramref name="points"/> [n][d], 0 to <paramref name="k"/> − 1.</summary>
    /// <param name="points">The points.</param>
    /// <param name="k">The number of clusters, 1 to n.</param>
    /// <param name="seed">Seeds the k-means++ draws.</param>
    /// <param name="restarts">Independent seedings; the lowest inertia wins.</param>
    /// <param name="iterations">Lloyd iterations at most per restart.</param>
    public static int[] Cluster(double[][] points, int k, int seed = 0, int restarts = 10, int iterations = 300)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (k < 1 || k > points.Length) throw LumenException.Usage($"cannot make {k} clusters of {points.Length} points");
        var random = new Random(seed);
        int[]? best = null;
        double bestInertia = double.PositiveInfinity;
        for (int restart = 0; restart < restarts; restart++)
        {
            var centres = Seed(points, k, random);
            var labels = new int[points.Length];
            double inertia = 0;
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                bool changed = false;
                inertia = 0;
                for (int i = 0; i < points.Length; i++)
                {
                    var (nearest, distance) = Nearest(points[i], centres);
                    inertia += distance;
                    if (nearest != labels[i] || iteration == 0) { changed |= nearest != labels[i]; labels[i] = nearest; }
                }
                if (!changed && iteration > 0) break;
                centres = Centres(points, labels, centres);
            }
            if (inertia < bestInertia)
            {
                bestInertia = inertia;
                best = labels;
            }
        }
        return best!;
    }

    private static double[][] Seed(double[][] points, int k, Random random)
    {
        var centres = new List<double[]> { points[random.Next(points.Length)] };
        var distances = points.Select(p => Squared(p, centres[0])).ToArray();
        while (centres.Count < k)
        {
            double total = distances.Sum();
            int chosen = 0;
            if (total > 0)
            {
                double draw = random.NextDouble() * total;
                for (double running = 0; chosen < points.Length - 1; chosen++)
                {
                    running += distances[chosen];
                    if (running >= draw) break;
                }
            }
            else chosen = random.Next(points.Length);
            centres.Add(points[chosen]);
            for (int i = 0; i < points.Length; i++) distances[i] = Math.Min(distances[i], Squared(points[i], points[chosen]));
        }
        return centres.Select(c => (double[])c.Clone()).ToArray();
    }

    private static double[][] Centres(double[][] points, int[] labels, double[][] previous)
    {
        int dimensions = points[0].Length;
        var sums = previous.Select(_ => new double[dimensions]).ToArray();
        var counts = new int[previous.Length];
        for (int i = 0; i < points.Length; i++)
        {
            counts[labels[i]]++;
            for (int d = 0; d < dimensions; d++) sums[labels[i]][d] += points[i][d];
        }
        for (int c = 0; c < sums.Length; c++)
        {
            if (counts[c] == 0) sums[c] = previous[c];
            else for (int d = 0; d < dimensions; d++) sums[c][d] /= counts[c];
        }
        return sums;
    }

    private static (int Index, double Distance) Nearest(double[] point, double[][] centres)
    {
        int best = 0;
        double distance = double.PositiveInfinity;
        for (int c = 0; c < centres.Length; c++)
        {
            double d = Squared(point, centres[c]);
            if (d < distance) { distance = d; best = c; }
        }
        return (best, distance);
    }

    private static double Squared(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum;
    }
}
