using System.Diagnostics;
using Lumen.Embedding;

namespace Lumen.Benchmarks;

/// <summary>
/// <c>-- fft-accuracy</c>: for several grids (interpolation nodes per box, boxes per unit), the FFT engine's force and Z
/// errors against the exact sums on 5,000 clustered points, and its time per gradient on 70,000.
/// </summary>
public static class FftAccuracy
{
    public static void Run()
    {
        var random = new Random(0);
        double[] Clusters(int n, double scale)
        {
            var y = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                int c = i % 10;
                double r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * scale / 8, a = random.NextDouble() * 2 * Math.PI;
                y[2 * i] = scale * Math.Cos(c) + r * Math.Cos(a);
                y[2 * i + 1] = scale * Math.Sin(c) + r * Math.Sin(a);
            }
            return y;
        }

        int small = 5000;
        var ys = Clusters(small, 30);
        var exact = new double[2 * small];
        double zExact = new ExactRepulsion(2).Compute(ys, exact);
        var yl = Clusters(70000, 80); // about 240 units wide, like the last iterations on Fashion-MNIST
        foreach (var (p, perUnit) in new[] { (3, 1.0), (3, 2.0), (4, 1.0), (5, 1.0), (4, 0.75), (5, 0.5) })
        {
            using var engine = new FftRepulsion(minIntervals: 1, intervalsPerUnit: perUnit, threads: 2, interpolationPoints: p);
            var f = new double[2 * small];
            double z = engine.Compute(ys, f);
            double num = 0, den = 0;
            for (int i = 0; i < f.Length; i++) { num += (f[i] - exact[i]) * (f[i] - exact[i]); den += exact[i] * exact[i]; }
            using var large = new FftRepulsion(minIntervals: 50, intervalsPerUnit: perUnit, threads: 2, interpolationPoints: p);
            var fl = new double[yl.Length];
            for (int r = 0; r < 40; r++) engine.Compute(ys, f); // past the JIT's tiering
            large.Compute(yl, fl);
            large.Compute(yl, fl);
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int r = 0; r < 5; r++) large.Compute(yl, fl);
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 5;
            Console.WriteLine($"{p} nodes per box, {perUnit:0.##} boxes per unit: force error {Math.Sqrt(num / den):0.00e0}, Z error {Math.Abs(z / zExact - 1):0.0e0}; 70,000 points: {clock.Elapsed.TotalMilliseconds / 5:0.0} ms ({cpuMs:0.0} ms CPU), {large.LastBoxes * p} x {large.LastBoxes * p} nodes");
        }
    }
}
