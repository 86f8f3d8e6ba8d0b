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
        if (request.Metrics.Count == 0) throw LumenException.Usage("no metric given: add --metric deletion (or insertion, pixel-flipping)");
        if ((request.Images.Count > 0) == (request.Array is not null))
            throw LumenException.Usage("give the images with --image FILE... or a preprocessed batch with --input FILE.npy (exactly one of them)");
        if (request.Step is < 1) throw LumenException.Usage($"--step {request.Step}: expected a positive whole number");
        if (request.Region is < 1) throw LumenException.Usage($"--region {request.Region}: expected a positive whole number of pixels");
        if (request.BatchSize < 1) throw LumenException.Usage($"--batch-size {request.BatchSize}: expected a positive number of inputs per forward pass");
        if (request.Samples < 1) throw LumenException.Usage($"--samples {request.Samples}: expected at least one noisy copy per image");
        if (!(request.Radius > 0) || double.IsInfinity(request.Radius)) throw LumenException.Usage($"--radius {request.Radius}: expected a positive noise radius");
        var metrics = request.Metrics.Distinct().Select(MetricCatalog.Find).ToList();
        var settings = new EvaluationSettings
        {
            Seed = request.Seed,
            SensitivityRadius = request.Radius,
            SensitivitySamples = request.Samples,
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
        var rows = ExplanationEvaluation.Run(model, input.Input, target, methods, metrics, settings, input.Stems,
            step => console.Error.WriteLine($"evaluate: {step}"));
        OutputFolder.Prepare(request.OutputFolder);
        EvaluationCsv.Write(Path.Combine(request.OutputFolder, FileName), rows);
        return rows;
    }

    /// <summary>Prints the mean of every method and metric over the images, and the file written.</summary>
    public static void WriteSummary(IReadOnlyList<EvaluationRow> rows, string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        var metrics = rows.Select(row => row.Metric).Distinct().ToList();
        output.WriteLine("method".PadRight(20) + string.Concat(metrics.Select(metric => metric.PadLeft(22))));
        foreach (string method in rows.Select(row => row.Method).Distinct())
        {
            var means = metrics.Select(metric => rows.Where(row => row.Method == method && row.Metric == metric).Average(row => row.Value));
            output.WriteLine(method.PadRight(20) + string.Concat(means.Select(mean => mean.ToString("F4", CultureInfo.InvariantCulture).PadLeft(22))));
        }
        output.WriteLine($"mean over {rows.Select(row => row.Image).Distinct().Count()} images; every value in {path}");
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
