using Lumen.Embedding;

namespace Lumen.Tests.Embedding;

/// <summary>Seeded synthetic data: Gaussian clusters with labels, and random embeddings.</summary>
internal static class EmbeddingTestData
{
    public static (FeatureMatrix Data, long[] Labels) Blobs(int points, int dimensions, int classes, int seed, double spread = 6)
    {
        var random = new Random(seed);
        var centres = new double[classes * dimensions];
        for (int i = 0; i < centres.Length; i++) centres[i] = spread * Gaussian(random);
        var data = new float[points * dimensions];
        var labels = new long[points];
        for (int i = 0; i < points; i++)
        {
            int c = i % classes;
            labels[i] = c;
            for (int d = 0; d < dimensions; d++) data[i * dimensions + d] = (float)(centres[c * dimensions + d] + Gaussian(random));
        }

        return (new FeatureMatrix(points, dimensions, data), labels);
    }

    public static double[] RandomEmbedding(int points, int seed, double scale)
    {
        var random = new Random(seed);
        var y = new double[2 * points];
        for (int i = 0; i < y.Length; i++) y[i] = scale * Gaussian(random);
        return y;
    }

    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double RelativeL2(double[] actual, double[] expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }

        return Math.Sqrt(num / den);
    }
}
