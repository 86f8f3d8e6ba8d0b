using System.Diagnostics;
using Lumen.Attributions.Perturbation;
using Lumen.Attributions.Perturbation.Incremental;
using Lumen.Models;
using TorchSharp;

namespace Lumen.Benchmarks;

/// <summary>
/// <c>occlusion-incremental [rounds] [engines] [model.onnx]</c>: occlusion of one 224x224 image on resnet18 (random
/// weights, seed 0), or on the imported ONNX graph given (at its declared input size; e.g. the padded ResNet of
/// tests/Lumen.Tests/fixtures/onnx/real/make_padded_resnet.py), window 16, stride 8 (729 windows at 224), batch 64, with
/// full batched passes and with the incremental engine, alternating in the same run (<c>rounds</c> times each, default
/// 2; <c>engines</c> = both, full or incremental). Prints every time, the best of each, their ratio, the max abs
/// difference of the two maps, and the ratio of multiply-accumulates (full passes vs the incremental plan), which
/// bounds what the incremental engine can gain.
/// </summary>
public static class IncrementalOcclusionBenchmark
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        string engines = args.Length > 2 ? args[2] : "both";
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        string? onnx = args.Length > 3 ? args[3] : null;
        using var model = onnx is null ? ModelCatalog.Load("resnet18") : Lumen.Onnx.OnnxImporter.Load(onnx);
        int size = (int)model.InputShape[1];
        using var input = torch.randn(model.InputShapeWithBatch(1));
        var window = WindowShape.Square(16);
        var stride = WindowShape.Square(8);
        var options = new EvaluationOptions { BatchSize = 64 };
        var full = new Occlusion(model, window, stride, null, options, OcclusionEngine.Full);
        var incremental = new Occlusion(model, window, stride, null, options, OcclusionEngine.Incremental);

        var plan = IncrementalPlanCompiler.Compile(model).Plan!;
        var schedule = Schedule(plan, size, 16, 8);
        double macRatio = schedule.FullMultiplyAccumulates / (double)schedule.IncrementalMultiplyAccumulates;
        Console.WriteLine($"{(onnx is null ? "resnet18" : Path.GetFileName(onnx))}, {size}x{size}, window 16, stride 8, {schedule.Positions} windows, batch 64, {torch.get_num_threads()} threads, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"multiply-accumulates per copy: full {schedule.FullMultiplyAccumulates / 1e9:0.000} G, incremental {schedule.IncrementalMultiplyAccumulates / 1e9:0.000} G " +
            $"(ratio {macRatio:0.00}x; whole maps from {schedule.Plan.Nodes[schedule.Switch].Name})");

        foreach (var (w, s) in new[] { (8, 4), (32, 16), (56, 28) })
        {
            var other = Schedule(plan, size, w, s);
            Console.WriteLine($"  (window {w}, stride {s}: {other.Positions} windows, multiply-accumulates ratio {other.FullMultiplyAccumulates / (double)other.IncrementalMultiplyAccumulates:0.00}x)");
        }

        var times = new Dictionary<string, List<double>> { ["full"] = new(), ["incremental"] = new() };
        var maps = new Dictionary<string, float[]>();
        float targetScore = float.NaN;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, method) in new[] { ("full", full), ("incremental", incremental) })
            {
                if (engines != "both" && engines != name) continue;
                var clock = Stopwatch.StartNew();
                using var attribution = method.Attribute(input, Target.Predicted);
                double seconds = clock.Elapsed.TotalSeconds;
                times[name].Add(seconds);
                maps[name] = attribution.Values.data<float>().ToArray();
                targetScore = attribution.TargetScores[0];
                Console.WriteLine($"round {round + 1}: {name,-12} {seconds:0.00} s ({schedule.Positions / seconds:0.0} windows/s), engine={attribution.Settings["engine"]}");
            }
        }
        if (times["full"].Count > 0 && times["incremental"].Count > 0)
        {
            double bestFull = times["full"].Min(), bestIncremental = times["incremental"].Min();
            double difference = maps["full"].Zip(maps["incremental"], (a, b) => Math.Abs(a - b)).Max();
            double largest = maps["full"].Max(Math.Abs);
            Console.WriteLine($"best: full {bestFull:0.00} s, incremental {bestIncremental:0.00} s, speed-up {bestFull / bestIncremental:0.00}x " +
                $"(multiply-accumulates {macRatio:0.00}x); max abs difference of the maps {difference:0.###e+0} (largest |value| {largest:G4}, target logit {targetScore:G4})");
        }
    }

    private static OcclusionSchedule Schedule(IncrementalPlan plan, int size, int window, int stride)
    {
        var starts = Occlusion.Starts(size, window, stride);
        return new OcclusionSchedule(plan, size, size, starts.SelectMany(r => starts.Select(c => (r, c, Math.Min(window, size - r), Math.Min(window, size - c)))).ToArray());
    }
}
