using System.Diagnostics;
using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// <c>perturbation-throughput [rounds] [model layer window stride]</c>: each perturbation method on one image and a
/// model (default resnet18 with random weights, seed 0, layer4, occlusion window 16 and stride 8; e.g.
/// <c>2 fmnist-cnn conv3 4 2</c>), against plain inference of exactly the batches the method sent through the model (recorded by a forward
/// hook, replayed on a prepared batch of each size), alternating in the same process. The ratio plain / method is the
/// share of the method's time spent in the model, i.e. its throughput relative to plain batched inference.
/// Methods: occlusion (full passes, window 16, stride 8), RISE (1,000 masks), LIME and KernelSHAP (300 samples),
/// Score-CAM (layer4); batch size 64 (Score-CAM's own default, 16).
/// </summary>
public static class PerturbationThroughput
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        string modelName = args.Length > 2 ? args[2] : "resnet18";
        string layer = args.Length > 3 ? args[3] : "layer4";
        string window = args.Length > 4 ? args[4] : "16", stride = args.Length > 5 ? args[5] : "8";
        torch.manual_seed(0);
        using var model = ModelCatalog.Load(modelName);
        using var input = torch.rand(model.InputShapeWithBatch(1));
        var parameters = new Dictionary<string, string>
        {
            ["engine"] = "full", ["window"] = window, ["stride"] = stride, ["masks"] = "1000", ["samples"] = "300",
        };
        Console.WriteLine($"{modelName}, input {string.Join("x", model.InputShape)}, occlusion window {window} stride {stride}, {torch.get_num_threads()} threads, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (string name in new[] { "occlusion", "rise", "lime", "kernel-shap", "scorecam" })
        {
            var descriptor = MethodCatalog.Find(name);
            var options = new MethodOptions(layer, parameters.Where(p => descriptor.Settings.Any(s => s.Name == p.Key)).ToDictionary());
            var method = descriptor.Build(model, options);
            var batches = new List<long>();
            using (var hook = new BatchRecorder(model, batches)) Time(() => method.Attribute(input, Target.Predicted).Dispose());
            var prepared = batches.Distinct().ToDictionary(size => size, size => input.expand(size, -1, -1, -1).contiguous());
            var ratios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                double own = Time(() => method.Attribute(input, Target.Predicted).Dispose());
                double plain = Time(() =>
                {
                    using var noGrad = no_grad();
                    foreach (long size in batches)
                    {
                        using var scope = NewDisposeScope();
                        model.Forward(prepared[size])[0, 0].item<float>();
                    }
                });
                ratios.Add(plain / own);
                Console.WriteLine($"{name,-12} round {round + 1}: {own:0.00} s, the same {batches.Count} batches ({batches.Sum()} images) plain {plain:0.00} s: {plain / own:0.00}");
            }
            Console.WriteLine($"{name,-12} throughput / plain inference: {ratios.Min():0.00}–{ratios.Max():0.00}");
            foreach (var tensor in prepared.Values) tensor.Dispose();
        }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Records the batch size of every call of the model's module.</summary>
    private sealed class BatchRecorder : IDisposable
    {
        private readonly Action remove;

        public BatchRecorder(ExplainableModel model, List<long> sizes) =>
            remove = model.Module.register_forward_hook((_, x, y) =>
            {
                sizes.Add(x.shape[0]);
                return y;
            }).remove;

        public void Dispose() => remove();
    }
}
