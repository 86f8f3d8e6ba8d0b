using Lumen.Embedding;

namespace Lumen.Benchmarks;

public static class FftDeterminism
{
    public static void Run()
    {
        var random = new Random(3);
        foreach (double scale in new[] { 10.0, 40.0, 100.0 })
        {
            var y = new double[2 * 15000];
            for (int i = 0; i < y.Length; i++) y[i] = (random.NextDouble() - 0.5) * scale;
            double[]? first = null; double z0 = 0; int differ = 0; int zdiffer = 0;
            for (int r = 0; r < 20; r++)
            {
                using var engine = new FftRepulsion(threads: 2);
                var f = new double[y.Length];
                double z = engine.Compute(y, f);
                if (first is null) { first = f; z0 = z; continue; }
                if (!f.SequenceEqual(first)) differ++;
                if (z != z0) zdiffer++;
            }
            Console.WriteLine($"scale {scale}: forces differ in {differ} of 19 repeats, Z in {zdiffer}; hash {first!.Aggregate(17L, (h, v) => h * 31 + BitConverter.DoubleToInt64Bits(v)):X} Z {BitConverter.DoubleToInt64Bits(z0):X}");
        }
    }
}
