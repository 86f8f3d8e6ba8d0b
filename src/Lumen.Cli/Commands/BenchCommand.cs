using System.CommandLine;
using System.Globalization;
using Lumen.Attributions;
using Lumen.Benchmarking;
using Lumen.IO;
using Lumen.Imaging;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen bench</c>: measures each method's cost on a model in units of the model's own forward and forward +
/// backward passes, timed in the same run, and plain inference throughput per batch size; prints the tables and
/// writes <c>OUT/bench.md</c> and <c>OUT/bench.json</c>.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, ThreadsOption threads, DeviceOption device)
    {
        var command = new Command("bench", "Measure what each method costs on a model, in units of one forward (+ backward) pass, and inference images per second.");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var methods = new Option<string[]>("--method") { Description = "methods to measure, comma-separated (default: every method; layer methods need --layer)", AllowMultipleArgumentsPerToken = true };
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer of layer methods (e.g. layer4 for resnet18)" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a method setting name=value, applied to every method that has it; repeatable" };
        var images = new Option<int>("--images") { Description = "images per method call", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "timed calls per method after one warm-up call (the median is reported)", DefaultValueFactory = _ => 3 };
        var batchSizes = new Option<string>("--batch-sizes") { Description = "batch sizes of the inference throughput table, comma-separated", DefaultValueFactory = _ => "1,16,32" };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-bench" };
        foreach (Option option in new Option[] { methods, layer, parameters, images, repeat, batchSizes, output }) command.Add(option);

        command.SetAction(parsed =>
        {
            int threadCount = threads.Resolve(parsed);
            var options = new CostOptions
            {
                Images = parsed.GetValue(images),
                Repeats = parsed.GetValue(repeat),
                BatchSizes = ParseSizes(parsed.GetRequiredValue(batchSizes)),
            };
            options.Validate();
            string? layerName = parsed.GetValue(layer);
            var settings = ParamOption.Parse(parsed.GetValue(parameters) ?? []);
            var chosen = Choose(parsed.GetValue(methods), layerName, console);
            foreach (string name in settings.Keys.Where(name => !chosen.Any(method => method.Settings.Any(s => s.Name == name))))
                throw LumenException.Usage($"--param {name}: none of the measured methods has this setting (see 'lumen methods --verbose')");

            using var model = modelOptions.Load(parsed);
            if (layerName is not null) model.ResolveLayer(layerName);
            if (parsed.GetValue(methods) is not { Length: > 0 } && !Lumen.Attributions.Attention.AttentionMaps.HasSoftmaxLayer(model))
            {
                chosen = chosen.Where(method => method.Family != "attention").ToList();
                console.Error.WriteLine("bench: attention methods skipped (the model has no attention layers)");
            }
            // Build every method first, so a bad name, layer or setting fails before any measuring.
            var built = chosen.Select(method => method.Build(model, new MethodOptions(layerName, SettingsOf(method, settings)))).ToList();
            using var benchmark = new CostBenchmark(model, options);
            var rows = new List<MethodCost>();
            var line = new CliProgress(console, "bench");
            for (int i = 0; i < built.Count; i++)
            {
                line.Report(i, built.Count, built[i].Name);
                rows.Add(benchmark.Measure(built[i]));
            }
            line.Report(built.Count, built.Count, "inference throughput");
            var report = new CostReport(model.Name, options.Images, threadCount,
                $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}{(model.Device.IsCpu ? "" : $", device {model.Device}")}", rows, benchmark.MeasureThroughput());

            string folder = parsed.GetRequiredValue(output);
            string markdown = report.ToMarkdown();
            using (var staged = StagedOutput.Open(folder))
            {
                AtomicFile.WriteText(staged.PathFor("bench.md"), markdown);
                AtomicFile.WriteText(staged.PathFor("bench.json"), report.ToJson());
                staged.Commit();
            }
            console.Out.Write(markdown);

            return LumenCli.Success;
        });
        return command;
    }

    private static List<MethodDescriptor> Choose(string[]? names, string? layer, CliConsole console)
    {
        var given = (names ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (given.Count > 0) return given.Distinct().Select(MethodCatalog.Find).ToList();
        var all = MethodCatalog.All.Where(method => layer is not null || !(method.NeedsLayer || method.UsesLayer)).ToList();
        if (layer is null) console.Error.WriteLine("bench: layer methods skipped (add --layer NAME to measure them)");
        var needSettings = all.Where(method => method.Settings.Any(setting => setting.Required)).ToList();
        if (needSettings.Count > 0)
            console.Error.WriteLine($"bench: {string.Join(", ", needSettings.Select(m => m.Name))} skipped (they need a --param of their own; name them with --method)");
        return all.Except(needSettings).ToList();
    }

    /// <summary>The given settings that <paramref name="method"/> has (a setting such as samples=100 applies to every method that takes it).</summary>
    private static Dictionary<string, string> SettingsOf(MethodDescriptor method, IReadOnlyDictionary<string, string> settings) =>
        settings.Where(pair => method.Settings.Any(s => s.Name == pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value);

    private static int[] ParseSizes(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) && size > 0 ? size
            : throw LumenException.Usage($"--batch-sizes {text}: expected positive whole numbers separated by commas"))
        .ToArray();
}
