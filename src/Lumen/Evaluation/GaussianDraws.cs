namespace Lumen.Evaluation;

/// <summary>Normal draws from a seeded <see cref="Random"/> (Box–Muller), so a seed gives the same values everywhere.</summary>
public static class GaussianDraws
{
    /// <summary><paramref name="count"/> independent draws from N(0, <paramref name="deviation"/>²).</summary>
    public static float[] Draw(Random random, long count, double deviation)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new float[count];
        for (long i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1)) * deviation;
            values[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count) values[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
        return values;
    }
}
