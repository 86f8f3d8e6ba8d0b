using System.Globalization;
using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Evaluation;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;

namespace Lumen.Cli.Commands;

/// <summary>
/// Carries out an <see cref="EvaluateRequest"/>: checks every name and setting, loads the input, runs the
/// evaluation, and only then writes OUT/evaluation.csv (atomically).
/// </summary>
public static class EvaluateRunner
{
    /// <summary>The name of the written table.</summary>
    public const string FileName = "evaluation.csv";

    /// <summary>Runs the request on <paramref name="model"/>; returns the rows written.</summary>
    public static List<EvaluationRow> Run(ExplainableModel model, EvaluateRequest request, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(console);
        if (request.Methods.Count == 0) throw LumenException.Usage("no method given: add --method NAME (see 'lumen methods'; 'random' is the baseline)");
        if (request.Metrics.Count == 0) throw LumenException.Usage("no metric given: add --metric deletion (or another metric, or 'all')");
        if ((request.Images.Count > 0) == (request.Array is not null))
            throw LumenException.Usage("give the images with --image FILE... or a preprocessed batch with --input FILE.npy (exactly one of them)");
        if (request.Step is < 1) throw LumenException.Usage($"--step {request.Step}: expected a positive whole number");
        if (request.Region is < 1) throw LumenException.Usage($"--region {request.Region}: expected a positive whole number of pixels");
        if (request.BatchSize < 1) throw LumenException.Usage($"--batch-size {request.BatchSize}: expected a positive number of inputs per forward pass");
        if (request.Samples < 1) throw LumenException.Usage($"--samples {request.Samples}: expected at least one noisy copy per image");
        if (!(request.Radius > 0) || double.IsInfinity(request.Radius)) throw LumenException.Usage($"--radius {request.Radius}: expected a positive noise radius");
        if (request.Runs < 2) throw LumenException.Usage($"--runs {request.Runs}: faithfulness-correlation needs at least 2 random subsets");
        if (request.Subset is < 1) throw LumenException.Usage($"--subset {request.Subset}: expected a positive number of pixels");
        if (!(request.Noise > 0) || double.IsInfinity(request.Noise)) throw LumenException.Usage($"--noise {request.Noise}: expected a positive standard deviation");
        if (!(request.LipschitzNoise > 0) || double.IsInfinity(request.LipschitzNoise)) throw LumenException.Usage($"--lipschitz-noise {request.LipschitzNoise}: expected a positive standard deviation");
        if (request.TopK is < 1) throw LumenException.Usage($"--top-k {request.TopK}: expected a positive number of pixels");
        if (!double.IsFinite(request.InputShift) || request.InputShift == 0) throw LumenException.Usage($"--input-shift {request.InputShift}: expected a non-zero number");
        if (request.Masks.Count > 0 && request.Box is not null) throw LumenException.Usage("give the region with --mask or with --box, not both");
        RegionBox? box = request.Box is null ? null : ParseBox(request.Box);
        bool all = request.Metrics.Any(name => name.Trim().Equals(MetricCatalog.AllName, StringComparison.OrdinalIgnoreCase));
        var settings = new EvaluationSettings
        {
            Seed = request.Seed,
            SensitivityRadius = request.Radius,
            SensitivitySamples = request.Samples,
            InfidelitySamples = request.Samples,
            LipschitzNoise = request.LipschitzNoise,
            InfidelityNoise = request.Noise,
            CorrelationRuns = request.Runs,
            CorrelationSubset = request.Subset,
            RoadPercentages = request.Percentages is null ? new EvaluationSettings().RoadPercentages : ParsePercentages(request.Percentages),
            TopK = request.TopK,
            InputShift = request.InputShift,
            Faithfulness = new FaithfulnessOptions
            {
                Step = request.Step,
                Region = request.Region,
                Replacement = request.Replacement is null ? null : ParseReplacement(request.Replacement),
                Output = ParseScore(request.Score),
                BatchSize = request.BatchSize,
            },
        };
        var options = new MethodOptions(request.Layer, request.Parameters);
        var methods = request.Methods.Distinct().Select(name =>
        {
            var descriptor = EvaluationMethods.Find(name);
            descriptor.Build(model, options);
            return (descriptor.Name, (Func<ExplainableModel, IAttributionMethod>)(m => descriptor.Build(m, options)));
        }).ToList();
        Target target = TargetOption.Parse(request.Target);

        using var input = request.Array is not null
            ? ExplainInput.FromArray(request.Array, model)
            : ExplainInput.FromImages(request.Images, model);
        long height = input.Input.shape[2], width = input.Input.shape[3];
        using var region = request.Masks.Count > 0 ? RegionMasks.Load(request.Masks, input.Input.shape[0], height, width)
            : box is not null ? RegionMasks.FromBox(box, height, width) : null;
        settings = settings with { Region = region };
        var metrics = SelectMetrics(request.Metrics, all, model, settings, console);
        var rows = ExplanationEvaluation.Run(model, input.Input, target, methods, metrics, settings, input.Stems,
            step => console.Error.WriteLine($"evaluate: {step}"));
        OutputFolder.Prepare(request.OutputFolder);
        EvaluationCsv.Write(Path.Combine(request.OutputFolder, FileName), rows);
        return rows;
    }

    /// <summary>Prints the mean of every metric (a row) and method (a column) over the images, and the file written.</summary>
    public static void WriteSummary(IReadOnlyList<EvaluationRow> rows, string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        var methods = rows.Select(row => row.Method).Distinct().ToList();
        var metrics = rows.Select(row => row.Metric).Distinct().ToList();
        int nameWidth = Math.Max(20, metrics.Select(metric => metric.Length + 2).DefaultIfEmpty(0).Max());
        int columnWidth = Math.Max(12, methods.Select(method => method.Length + 2).DefaultIfEmpty(0).Max());
        output.WriteLine("metric".PadRight(nameWidth) + string.Concat(methods.Select(method => method.PadLeft(columnWidth))));
        foreach (string metric in metrics)
        {
            var means = methods.Select(method => rows.Where(row => row.Method == method && row.Metric == metric).Select(row => row.Value).DefaultIfEmpty(double.NaN).Average());
            output.WriteLine(metric.PadRight(nameWidth) + string.Concat(means.Select(mean => mean.ToString("F4", CultureInfo.InvariantCulture).PadLeft(columnWidth))));
        }
        output.WriteLine($"mean over {rows.Select(row => row.Image).Distinct().Count()} images; every value in {path}");
    }

    /// <summary>The metrics named in <paramref name="names"/>; with 'all', every metric that can run (the others are
    /// named on standard error with the reason). A named metric that cannot run is a usage error.</summary>
    private static List<IExplanationMetric> SelectMetrics(IReadOnlyList<string> names, bool all, ExplainableModel model, EvaluationSettings settings, CliConsole console)
    {
        var chosen = all ? MetricCatalog.All.ToList() : names.Distinct().Select(MetricCatalog.Find).Distinct().ToList();
        var runnable = new List<IExplanationMetric>();
        foreach (var metric in chosen)
        {
            string? reason = metric.Unavailable(model, settings);
            if (reason is null) runnable.Add(metric);
            else if (all) console.Error.WriteLine($"evaluate: skipping {metric.Name}: {reason}");
            else throw LumenException.Usage($"--metric {metric.Name}: {reason}");
        }
        return runnable;
    }

    /// <summary>Parses x0,y0,x1,y1 (pixels, x1 and y1 exclusive) into a box.</summary>
    public static RegionBox ParseBox(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = parts.Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : (int?)null).ToArray();
        if (numbers.Length != 4 || numbers.Any(n => n is null) || numbers[2] <= numbers[0] || numbers[3] <= numbers[1])
            throw LumenException.Usage($"--box {text}: expected x0,y0,x1,y1 in pixels with x0 < x1 and y0 < y1 (x1, y1 exclusive)");
        return new RegionBox(numbers[1]!.Value, numbers[0]!.Value, numbers[3]!.Value - numbers[1]!.Value, numbers[2]!.Value - numbers[0]!.Value);
    }

    private static int[] ParsePercentages(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = parts.Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        if (values.Length == 0 || values.Any(v => v < 1 || v > 99))
            throw LumenException.Usage($"--percentages {text}: expected whole percentages from 1 to 99, comma-separated");
        return values;
    }

    private static Baseline ParseReplacement(string text)
    {
        try
        {
            return Replacement.Parse("replacement", text);
        }
        catch (LumenException error) when (error.Kind == ErrorKind.Usage)
        {
            throw LumenException.Usage($"--replacement {text}: expected blur, blur:SIGMA, 0, a number, mean or a .npy file");
        }
    }

    private static ScoreOutput ParseScore(string text)
    {
        int index = EvaluationOptions.OutputNames.ToList().IndexOf(text.Trim().ToLowerInvariant());
        if (index < 0) throw LumenException.Usage($"--score {text}: expected one of {string.Join(", ", EvaluationOptions.OutputNames)}");
        return (ScoreOutput)index;
    }
}
