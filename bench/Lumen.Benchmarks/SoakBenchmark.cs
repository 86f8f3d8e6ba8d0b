using System.Diagnostics;
using System.Globalization;
using Lumen.Attributions;
using Lumen.Data;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// Soak run: explains a whole dataset (default the 10,000 Fashion-MNIST test images) with several methods in one
/// process, renders every map to a PNG (written atomically over the same file per method), and prints the resident
/// memory every 1,000 images. Growth after warm-up (the first 1,000 images) shows whether anything leaks.
/// Run: <c>dotnet run -c Release --project bench/Lumen.Benchmarks -- soak [WEIGHTS] [IMAGES]</c>.
/// </summary>
public static class SoakBenchmark
{
    private static readonly string[] Methods = ["saliency", "integrated-gradients", "gradcam", "guided-gradcam"];

    public static void Run(string[] args)
    {
        string weights = args.Length > 1 ? args[1] : Path.Combine("tests", "Lumen.Tests", "fixtures", "reference", "models", "fmnist_cnn.safetensors");
        int limit = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;
        torch.set_num_threads(2);
        using var model = ModelCatalog.Load("fmnist-cnn", weights);
        // Integrated Gradients with 8 steps (not Captum's 50) keeps a 10,000-image run within minutes on 2 cores.
        var methods = Methods.Select(name => MethodCatalog.Find(name).Build(model, new MethodOptions("conv3",
            name == "integrated-gradients" ? new Dictionary<string, string> { ["steps"] = "8" } : new Dictionary<string, string>()))).ToList();
        using var data = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        string folder = Path.Combine(Path.GetTempPath(), "lumen-soak-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        long warm = 0, peakAfterWarm = 0;
        int done = 0, nextReport = 1000;
        Console.WriteLine($"soak: {Math.Min(limit, data.Count)} images of {data.Description}, methods {string.Join(", ", Methods)} (integrated-gradients with 8 steps), batch 50");
        Console.WriteLine("images  seconds  resident MB  managed MB");
        foreach (var batch in DatasetStream.Batches(data, model.Preprocessing, 50))
        {
            int count = batch.Count;
            using (batch)
            using (var scope = torch.NewDisposeScope())
            {
                var names = Enumerable.Range(batch.Start, batch.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
                var attributions = MethodRunner.RunAll(methods, batch.Input, Target.Predicted, names);
                foreach (var attribution in attributions)
                {
                    using (attribution)
                    {
                        var map = attribution.Values[batch.Count - 1].sum(dim: 0);
                        HeatmapRenderer.Render(map, Colormap.Jet, MapNormalization.MinMax).SavePng(Path.Combine(folder, attribution.Method + ".png"));
                    }
                }
            }

            done += count;
            if (done >= nextReport || done >= limit)
            {
                long resident = Resident();
                if (done <= 1000) warm = resident;
                else peakAfterWarm = Math.Max(peakAfterWarm, resident);
                Console.WriteLine($"{done,6}  {clock.Elapsed.TotalSeconds,7:F1}  {resident / 1e6,11:F1}  {GC.GetTotalMemory(false) / 1e6,10:F1}");
                nextReport += 1000;
            }

            if (done >= limit) break;
        }

        Directory.Delete(folder, recursive: true);
        Console.WriteLine($"resident after warm-up (1,000 images) {warm / 1e6:F1} MB, highest afterwards {peakAfterWarm / 1e6:F1} MB, growth {(peakAfterWarm - warm) / 1e6:F1} MB");
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
