using System.CommandLine;
using Lumen.Attributions.Perturbation;
using Lumen.Evaluation;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen evaluate</c>: measures how far explanations can be trusted. Runs each method on the images, applies each
/// metric, and writes OUT/evaluation.csv (method,image,metric,value); prints the mean of every method and metric.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("evaluate", "Evaluate explanations (faithfulness, robustness, localisation, complexity, randomisation, axiomatic); writes OUT/evaluation.csv (method,image,metric,value).");
        var defaults = new EvaluationSettings();
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var images = new Option<string[]>("--image", "-i") { Description = "image files (PNG, JPEG, BMP, WebP), preprocessed for the model", AllowMultipleArgumentsPerToken = true };
        var array = new Option<string?>("--input") { Description = "a preprocessed float32 .npy array [N, C, H, W], used as it is (instead of --image)" };
        var methods = new Option<string[]>("--method") { Description = "methods, comma-separated or repeated (see 'lumen methods'); also 'random' (the baseline) and 'sobel' (an edge map)", Required = true, AllowMultipleArgumentsPerToken = true };
        var metrics = new Option<string[]>("--metric") { Description = $"metrics, comma-separated or repeated, or 'all': {string.Join(", ", MetricCatalog.All.Select(metric => metric.Name))}", Required = true, AllowMultipleArgumentsPerToken = true };
        var target = new Option<string>("--target", "-t") { Description = "'predicted', one class for all images, or one class per image separated by commas", DefaultValueFactory = _ => "predicted" };
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer for layer methods such as gradcam (see 'lumen layers')" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a method setting name=value, repeatable (see 'lumen methods --verbose')" };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        var step = new Option<int?>("--step") { Description = "pixels changed per step of deletion/insertion (default: one image row), regions per step of pixel flipping (default 1)" };
        var replacement = new Option<string?>("--replacement") { Description = "what deleted pixels become and insertion starts from: blur (default, sigma 5), blur:SIGMA, 0 or a number, mean, or a .npy file" };
        var region = new Option<int?>("--region") { Description = "side of the square regions of pixel flipping in pixels (default: image height / 14)" };
        var score = new Option<string>("--score") { Description = "the scored output: probability (default), logit or log-probability", DefaultValueFactory = _ => "probability" };
        var batchSize = new Option<int>("--batch-size") { Description = "perturbed inputs per forward pass", DefaultValueFactory = _ => EvaluationOptions.DefaultBatchSize };
        var seed = new Option<int>("--seed") { Description = "seed of every random draw: randomized parameters, sensitivity and infidelity noise, correlation subsets, ROAD noise, the random-logit class", DefaultValueFactory = _ => 0 };
        var radius = new Option<double>("--radius") { Description = "half-width of the uniform input noise of max-sensitivity, in model-input units", DefaultValueFactory = _ => defaults.SensitivityRadius };
        var samples = new Option<int>("--samples") { Description = "noisy copies per image of max-sensitivity, local-lipschitz and infidelity", DefaultValueFactory = _ => defaults.SensitivitySamples };
        var masks = new Option<string[]>("--mask") { Description = "the region known to matter for the localisation metrics: a .npy ([H, W] or [N, H, W], non-zero inside) or an image (non-black inside) at the model's input size; one for all images or one per image", AllowMultipleArgumentsPerToken = true };
        var box = new Option<string?>("--box") { Description = "the region for the localisation metrics as a box x0,y0,x1,y1 in input pixels (x1, y1 exclusive), the same for all images" };
        var lipschitzNoise = new Option<double>("--lipschitz-noise") { Description = "standard deviation of the Gaussian input noise of local-lipschitz, in model-input units", DefaultValueFactory = _ => defaults.LipschitzNoise };
        var runs = new Option<int>("--runs") { Description = "random pixel subsets per image of faithfulness-correlation", DefaultValueFactory = _ => defaults.CorrelationRuns };
        var subset = new Option<int?>("--subset") { Description = "pixels per subset of faithfulness-correlation (default: one image row)" };
        var noise = new Option<double>("--noise") { Description = "standard deviation of infidelity's Gaussian perturbations, in model-input units", DefaultValueFactory = _ => defaults.InfidelityNoise };
        var percentages = new Option<string?>("--percentages") { Description = $"percentages of pixels ROAD removes, comma-separated (default {string.Join(",", defaults.RoadPercentages)})" };
        var topK = new Option<int?>("--top-k") { Description = "the k of top-k-intersection (default: 2 % of the pixels)" };
        var inputShift = new Option<double>("--input-shift") { Description = "the constant added to the input by input-invariance", DefaultValueFactory = _ => defaults.InputShift };
        foreach (Option option in new Option[] { images, array, methods, metrics, target, layer, parameters, output, step, replacement, region, score, batchSize, seed, radius, samples, lipschitzNoise, masks, box, runs, subset, noise, percentages, topK, inputShift }) command.Add(option);

        command.SetAction(parsed =>
        {
            var request = new EvaluateRequest(
                parsed.GetValue(images) ?? Array.Empty<string>(),
                parsed.GetValue(array),
                SplitList(parsed.GetRequiredValue(methods)),
                SplitList(parsed.GetRequiredValue(metrics)),
                parsed.GetRequiredValue(target),
                parsed.GetValue(layer),
                ParamOption.Parse(parsed.GetValue(parameters) ?? Array.Empty<string>()),
                parsed.GetRequiredValue(output),
                parsed.GetValue(step),
                parsed.GetValue(replacement),
                parsed.GetValue(region),
                parsed.GetRequiredValue(score),
                parsed.GetValue(batchSize),
                parsed.GetValue(seed),
                parsed.GetValue(radius),
                parsed.GetValue(samples),
                parsed.GetValue(lipschitzNoise),
                parsed.GetValue(masks) ?? Array.Empty<string>(),
                parsed.GetValue(box),
                parsed.GetValue(runs),
                parsed.GetValue(subset),
                parsed.GetValue(noise),
                parsed.GetValue(percentages),
                parsed.GetValue(topK),
                parsed.GetValue(inputShift));
            using var model = modelOptions.Load(parsed);
            var rows = EvaluateRunner.Run(model, request, console);
            EvaluateRunner.WriteSummary(rows, Path.Combine(request.OutputFolder, EvaluateRunner.FileName), console.Out);
            return LumenCli.Success;
        });
        return command;
    }

    private static List<string> SplitList(IEnumerable<string> values) =>
        values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
