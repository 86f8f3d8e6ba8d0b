using System.CommandLine;
using Lumen.Data;
using Lumen.Attributions;
using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen explain</c>: runs attribution methods on images and writes, per image and method, a heatmap overlay
/// PNG and the raw attribution as .npy. Everything is computed and checked before the first file is written.
/// </summary>
public static class ExplainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("explain", "Explain a model's decisions on images: heatmap PNGs and raw attributions (.npy).");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var images = new Option<string[]>("--image", "-i") { Description = "image files (PNG, JPEG, BMP, WebP), preprocessed for the model", AllowMultipleArgumentsPerToken = true };
        var array = new Option<string?>("--input") { Description = "a preprocessed float32 .npy array [N, C, H, W], used as it is (instead of --image)" };
        var methods = new Option<string[]>("--method") { Description = "methods, comma-separated or repeated (see 'lumen methods')", Required = true, AllowMultipleArgumentsPerToken = true };
        var target = new Option<string>("--target", "-t") { Description = TargetOption.Description, DefaultValueFactory = _ => "predicted" };
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer for layer methods such as gradcam (see 'lumen layers'); CAM methods take several, comma-separated" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a method setting name=value, repeatable (see 'lumen methods --verbose')" };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        var colormap = new Option<string?>("--colormap") { Description = $"heatmap colours: {string.Join(", ", Colormap.Names)} (default: bwr for signed maps, jet otherwise)" };
        var alpha = new Option<float>("--alpha") { Description = "heatmap opacity over the image, 0 to 1", DefaultValueFactory = _ => 0.5f };
        var json = new Option<bool>("--json") { Description = "print a machine-readable summary (files, predictions, settings) to standard output" };
        foreach (Option option in new Option[] { images, array, methods, target, layer, parameters, output, colormap, alpha, json }) command.Add(option);
        var dataOptions = new DataOptions();
        dataOptions.Data.Required = false;
        dataOptions.AddTo(command);
        var resume = new Option<bool>("--resume") { Description = "with --data: skip images whose files are all in --out already (continue an interrupted run)" };
        command.Add(resume);
        var shard = new Option<string?>("--shard") { Description = "with --data: explain only shard I of N (0-based, e.g. 0/4), write a manifest, and combine the shards with 'lumen merge'" };
        command.Add(shard);

        command.SetAction(parsed =>
        {
            var request = new ExplainRequest(
                parsed.GetValue(images) ?? Array.Empty<string>(),
                parsed.GetValue(array),
                SplitList(parsed.GetRequiredValue(methods)),
                parsed.GetRequiredValue(target),
                parsed.GetValue(layer),
                ParamOption.Parse(parsed.GetValue(parameters) ?? Array.Empty<string>()),
                parsed.GetRequiredValue(output),
                parsed.GetValue(colormap) is { } name ? Colormap.Parse(name) : null,
                parsed.GetValue(alpha));
            var methodNames = request.Methods.Select(name => MethodCatalog.Find(name).Name).ToList();
            if (parsed.GetValue(dataOptions.Data) is not null)
            {
                if (request.Images.Count > 0 || request.Array is not null) throw LumenException.Usage("give the images with --image, --input or --data (exactly one of them)");
                if (parsed.GetValue(json)) throw LumenException.Usage("--json is not available with --data; each image's files are named after its index");
                int batchSize = dataOptions.GetBatchSize(parsed);
                using var dataModel = modelOptions.Load(parsed, methodNames, console.Error);
                using var data = dataOptions.Open(parsed, console);
                DatasetShard? part = parsed.GetValue(shard) is { } text ? DatasetShard.Parse(text) : null;
                return ExplainDatasetRunner.Run(dataModel, request, data, batchSize, parsed.GetValue(resume), console, part);
            }

            if (parsed.GetValue(resume)) throw LumenException.Usage("--resume continues a --data run; give --data PATH");
            if (parsed.GetValue(shard) is not null) throw LumenException.Usage("--shard splits a --data run; give --data PATH");
            using var model = modelOptions.Load(parsed, methodNames, console.Error);
            var summary = ExplainRunner.Run(model, request, MethodProgress(console));
            if (parsed.GetValue(json)) console.Out.WriteLine(summary.ToJson());
            else summary.WriteText(console.Out);
            return LumenCli.Success;
        });
        return command;
    }

    /// <summary>A progress line per perturbation method on standard error: "  occlusion  [####....]  done/total".</summary>
    private static Func<string, IProgress<PerturbationProgress>> MethodProgress(CliConsole console) => name =>
    {
        var line = new CliProgress(console, $"  {name}");
        return new ActionProgress<PerturbationProgress>(p => line.Report(p.Done, p.Total));
    };

    private static List<string> SplitList(IEnumerable<string> values) =>
        values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
