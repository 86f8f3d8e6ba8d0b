using System.Diagnostics;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// <c>-- engine [batch] [repeats]</c>: resnet18 (random weights) inference on a batch of 224x224 images, wall-clock
/// and the process's user and system CPU time per batch: through <see cref="ExplainableModel.Forward"/> (channels-last,
/// under no_grad and inference_mode) and through the bare module on the default [N, C, H, W] strides, alternating.
/// Compare runs with different environments (thread counts, allocator settings) on an idle machine.
/// </summary>
public static class EngineProfile
{
    public static void Run(int batch, int repeats)
    {
        torch.manual_seed(0);
        using var model = ModelCatalog.Load("resnet18");
        using var input = torch.randn(batch, 3, 224, 224);
        Console.WriteLine($"resnet18, batch {batch}, {torch.get_num_threads()} intra-op threads, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (string mode in new[] { "no_grad", "nchw", "inference_mode", "nchw", "no_grad" })
        {
            for (int w = 0; w < 2; w++) Forward(model, input, mode);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var user = process.UserProcessorTime;
            var system = process.PrivilegedProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int r = 0; r < repeats; r++) Forward(model, input, mode);
            double wall = clock.Elapsed.TotalSeconds / repeats;
            process.Refresh();
            string label = mode == "nchw" ? "no_grad, NCHW" : mode;
            Console.WriteLine($"{label,-15} {wall:0.000} s per batch ({batch / wall:0.0} images/s); user {(process.UserProcessorTime - user).TotalSeconds / repeats:0.000} s, system {(process.PrivilegedProcessorTime - system).TotalSeconds / repeats:0.000} s");
        }
    }

    private static void Forward(ExplainableModel model, Tensor input, string mode)
    {
        using var scope = NewDisposeScope();
        using IDisposable guard = mode == "inference_mode" ? torch.inference_mode() : torch.no_grad();
        Tensor logits = mode == "nchw" ? model.Module.call(input) : model.Forward(input);
        logits[0, 0].item<float>();
    }
}
