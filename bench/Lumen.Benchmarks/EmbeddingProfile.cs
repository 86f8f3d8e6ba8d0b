using System.Diagnostics;
using Lumen.Embedding;

namespace Lumen.Benchmarks;

/// <summary><c>-- embedding-profile</c>: times one gradient evaluation's parts on 70,000 points (FFT repulsion, Barnes-Hut, attraction).</summary>
public static class EmbeddingProfile
{
    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    public static void Run()
    {
        const int n = 70000, k = 90;
        var random = new Random(0);
        foreach (double scale in new[] { 5.0, 30.0, 80.0, 160.0 })
        {
            var y = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                int c = i % 10;
                y[2 * i] = scale * Math.Cos(c) + random.NextDouble() * scale / 3;
                y[2 * i + 1] = scale * Math.Sin(c) + random.NextDouble() * scale / 3;
            }

            var forces = new double[2 * n];
            var fft = new FftRepulsion(threads: 2);
            // 20 calls first: the parallel loop bodies run twice per call and stay unoptimized (tier 0) for their first 30
            // calls, which made the point work look 10x slower than in a real run.
            for (int w = 0; w < 20; w++) fft.Compute(y, forces);
            var clock = Stopwatch.StartNew();
            var cpu = Cpu();
            for (int r = 0; r < 5; r++) fft.Compute(y, forces);
            Console.WriteLine($"scale {scale}: FFT repulsion {clock.Elapsed.TotalMilliseconds / 5:0.0} ms wall, {(Cpu() - cpu) / 5:0.0} ms CPU ({fft.LastBoxes} boxes, grid {6 * fft.LastBoxes})");
            var bh = new BarnesHutRepulsion(0.5, 2);
            clock.Restart();
            cpu = Cpu();
            bh.Compute(y[..40000], forces[..40000]);
            Console.WriteLine($"scale {scale}: BH repulsion, 20000 points {clock.Elapsed.TotalMilliseconds:0.0} ms wall, {Cpu() - cpu:0.0} ms CPU");
        }

        var neighbors = new int[n * k];
        var distances = new float[n * k];
        for (int i = 0; i < neighbors.Length; i++) { neighbors[i] = random.Next(n); distances[i] = (float)random.NextDouble(); }
        for (int i = 0; i < n; i++) for (int a = 0; a < k; a++) if (neighbors[i * k + a] == i) neighbors[i * k + a] = (i + 1) % n;
        var p = AffinityMatrix.Symmetrize(n, k, neighbors, Enumerable.Repeat(1.0 / k, n * k).ToArray());
        var yy = new double[2 * n];
        for (int i = 0; i < yy.Length; i++) yy[i] = random.NextDouble() * 50;
        var attract = new double[2 * n];
        AttractiveForces.Compute(p, yy, attract, 2);
        var watch = Stopwatch.StartNew();
        var cpu0 = Cpu();
        for (int r = 0; r < 5; r++) AttractiveForces.Compute(p, yy, attract, 2);
        Console.WriteLine($"attraction over {p.NonZeros} entries: {watch.Elapsed.TotalMilliseconds / 5:0.0} ms wall, {(Cpu() - cpu0) / 5:0.0} ms CPU; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }
}
