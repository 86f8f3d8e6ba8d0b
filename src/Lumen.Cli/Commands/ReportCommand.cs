using System.CommandLine;
using Lumen.Attributions;
using Lumen.Reporting;
using TorchSharp;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen report</c>: explains images with several methods and writes one self-contained HTML page comparing
/// them (one row per image, one column per method), with each method's description and settings.
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("report", "Compare explanation methods on images in one self-contained HTML page.");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var images = new Option<string[]>("--image", "-i") { Description = "image files (PNG, JPEG, BMP, WebP), preprocessed for the model", AllowMultipleArgumentsPerToken = true };
        var array = new Option<string?>("--input") { Description = "a preprocessed float32 .npy array [N, C, H, W] (instead of --image)" };
        var methods = new Option<string[]>("--method") { Description = "methods, comma-separated or repeated (see 'lumen methods')", Required = true, AllowMultipleArgumentsPerToken = true };
        var target = new Option<string>("--target", "-t") { Description = "'predicted', one class for all images, or one class per image separated by commas", DefaultValueFactory = _ => "predicted" };
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer for layer methods such as gradcam (see 'lumen layers')" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a method setting name=value, repeatable" };
        var output = new Option<string>("--out", "-o") { Description = "output folder; the page is OUT/index.html", DefaultValueFactory = _ => "report" };
        foreach (Option option in new Option[] { images, array, methods, target, layer, parameters, output }) command.Add(option);

        command.SetAction(parsed =>
        {
            var imagePaths = parsed.GetValue(images) ?? [];
            var arrayPath = parsed.GetValue(array);
            if ((imagePaths.Length > 0) == (arrayPath is not null))
            {
                throw LumenException.Usage("give the images with --image FILE... or a preprocessed batch with --input FILE.npy (exactly one of them)");
            }

            using var model = modelOptions.Load(parsed);
            var options = new MethodOptions(parsed.GetValue(layer), ParamOption.Parse(parsed.GetValue(parameters) ?? []));
            var names = parsed.GetRequiredValue(methods).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
            var built = names.Select(name => MethodCatalog.Find(name).Build(model, options)).ToList();
            var targetChoice = TargetOption.Parse(parsed.GetRequiredValue(target));
            using var input = arrayPath is not null ? ExplainInput.FromArray(arrayPath, model) : ExplainInput.FromImages(imagePaths, model);
            using var scope = torch.NewDisposeScope();
            var logits = model.Predict(input.Input);
            Models.FiniteOutputs.Require(logits, model.Name, input.Stems);
            if (logits.dim() == 4)
                throw LumenException.Usage($"lumen report compares classifiers, but {model.Name} outputs per-pixel scores [{string.Join(", ", logits.shape)}]; use lumen explain for a segmentation model");
            targetChoice.ResolveClasses(logits);
            var attributions = MethodRunner.RunAll(built, input.Input, targetChoice, input.Stems);
            try
            {
                var report = new HtmlReport($"Lumen report: {model.Name}", $"{input.Count} images, {attributions.Count} methods");
                report.AddSection("Explanations").Add(ExplanationGrid.Create(model, input.Display, input.Stems, logits, attributions));
                report.AddSection("Methods").Add(ExplanationGrid.MethodTable(attributions));
                var path = Path.Combine(parsed.GetRequiredValue(output), "index.html");
                report.Save(path);
                console.Out.WriteLine($"report written to {path}");
            }
            finally
            {
                foreach (var attribution in attributions) attribution.Dispose();
            }

            return LumenCli.Success;
        });
        return command;
    }
}
