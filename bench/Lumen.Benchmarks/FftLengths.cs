using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

public static class FftLengths
{
    static void Time(string name, Action a)
    {
        for (int r = 0; r < 3; r++) a();
        var c = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int r = 0; r < 10; r++) a();
        Console.WriteLine($"{name}: {c.Elapsed.TotalMilliseconds / 10:0.0} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 10:0.0} ms CPU");
    }

    public static void Run()
    {
        using var noGrad = torch.no_grad();
        Console.WriteLine($"threads {torch.get_num_threads()}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (int m in new[] { 729, 768 })
        {
            long size = 2L * m;
            var g = torch.rand(m, m);
            var k = torch.rand(2, size, size / 2 + 1, dtype: ScalarType.ComplexFloat32);
            var kt = torch.rand(2, size / 2 + 1, size, dtype: ScalarType.ComplexFloat32);
            Time($"m {m} 1-D passes", () =>
            {
                using var s = NewDisposeScope();
                var sp = torch.fft.fft_(torch.fft.rfft(g, size, 1), size, 0);
                var rows = torch.fft.ifft(sp.unsqueeze(0) * k, size, 1)[.., ..m];
                var pot = torch.fft.irfft(rows, size, 2)[.., .., ..m].contiguous();
            });
            Time($"m {m} rfft2/irfft2", () =>
            {
                using var s = NewDisposeScope();
                var sp = torch.fft.rfft2(g, new long[] { size, size });
                var pot = torch.fft.irfft2(sp.unsqueeze(0) * k, new long[] { size, size })[.., ..m, ..m].contiguous();
            });
            Time($"m {m} transposed columns", () =>
            {
                using var s = NewDisposeScope();
                var rowsF = torch.fft.rfft(g, size, 1).t().contiguous();      // [m+1, m] columns as rows
                var sp = torch.fft.fft_(rowsF, size, 1);                        // [m+1, L]
                var back = torch.fft.ifft(sp.unsqueeze(0) * kt, size, 2)[.., .., ..m]; // [2, m+1, m]
                var pot = torch.fft.irfft(back.transpose(1, 2).contiguous(), size, 2)[.., .., ..m].contiguous();
            });
            Time($"m {m} forward only (1-D passes)", () =>
            {
                using var s = NewDisposeScope();
                var sp = torch.fft.fft_(torch.fft.rfft(g, size, 1), size, 0);
            });
            Time($"m {m} multiply only", () =>
            {
                using var s = NewDisposeScope();
                var x = k * k[0];
            });
        }
    }
}
