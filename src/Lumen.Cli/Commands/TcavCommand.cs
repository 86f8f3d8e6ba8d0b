using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lumen.Concepts;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen tcav</c>: Testing with Concept Activation Vectors (Kim et al. 2018). Tests whether each concept, given by
/// example images, drives a class at a layer, against random image sets, and writes OUT/tcav.json.
/// </summary>
public static class TcavCommand
{
    /// <summary>The name of the written result.</summary>
    public const string FileName = "tcav.json";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("tcav", "Test whether concepts (example image sets) drive a class at a layer (TCAV), with a t-test against random sets; writes OUT/tcav.json.");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var dataOptions = new DataOptions();
        dataOptions.AddTo(command);
        var defaults = new TcavOptions();
        var layer = new Option<string>("--layer", "-l") { Description = "the layer whose activations the concepts are read in (see 'lumen layers')", Required = true };
        var classOption = new Option<int>("--class", "-c") { Description = "the class tested: its images in --data (by label) are differentiated", Required = true };
        var concepts = new Option<string[]>("--concept") { Description = "a concept as NAME=SOURCE, repeatable: SOURCE is a folder of images, an .npy [N, C, H, W] or an IDX folder, or label:K for the images of --data labelled K", Required = true, AllowMultipleArgumentsPerToken = true };
        var random = new Option<string?>("--random") { Description = "where random sets are drawn from: a dataset (folder, .npy) or label:K (default: --data)" };
        var runs = new Option<int>("--random-sets") { Description = "random counterpart sets, one CAV each (one more set is drawn to measure chance)", DefaultValueFactory = _ => TcavOptions.DefaultRandomRuns };
        var setSize = new Option<int>("--set-size") { Description = "images per concept and per random set (a concept uses its first N images)", DefaultValueFactory = _ => 50 };
        var classImages = new Option<int>("--class-images") { Description = "images of the class whose directional derivatives are counted", DefaultValueFactory = _ => 100 };
        var alpha = new Option<double>("--alpha") { Description = "significance level before the Bonferroni correction over the concepts", DefaultValueFactory = _ => defaults.Alpha };
        var seed = new Option<int>("--seed") { Description = "seed of the random sets and of the classifiers' splits", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        foreach (Option option in new Option[] { layer, classOption, concepts, random, runs, setSize, classImages, alpha, seed, output }) command.Add(option);

        command.SetAction(parsed =>
        {
            int classIndex = parsed.GetValue(classOption);
            int size = parsed.GetValue(setSize), runCount = parsed.GetValue(runs), classCount = parsed.GetValue(classImages);
            if (size < 2) throw LumenException.Usage($"--set-size {size}: a concept activation vector needs at least 2 images per set");
            if (runCount < 2) throw LumenException.Usage($"--random-sets {runCount}: the t-test needs at least 2 runs");
            if (classCount < 1) throw LumenException.Usage($"--class-images {classCount}: expected at least 1");
            var specs = parsed.GetRequiredValue(concepts).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(ParseConcept).ToList();
            if (specs.Select(s => s.Name).Distinct().Count() != specs.Count) throw LumenException.Usage("two --concept options share a name; give each concept its own");
            var options = new TcavOptions { Alpha = parsed.GetValue(alpha), Seed = parsed.GetValue(seed), BatchSize = dataOptions.GetBatchSize(parsed) };
            using var model = modelOptions.Load(parsed);
            if (classIndex < 0 || classIndex >= model.ClassCount)
                throw LumenException.Usage($"--class {classIndex} is out of range: the model has {model.ClassCount} classes (0 to {model.ClassCount - 1})");
            model.LayerName(parsed.GetRequiredValue(layer));
            using var data = dataOptions.Open(parsed, console);
            using var scope = NewDisposeScope();
            console.Error.WriteLine($"tcav: reading {classCount} images of class {classIndex}, {specs.Count} concepts and {runCount + 1} random sets");
            var classInputs = ConceptImages.Labelled(data, model.Preprocessing, classIndex, classCount, options.BatchSize);
            var conceptSets = specs.Select(spec => new ConceptSet(spec.Name, Read(spec.Source, data, model, size, options.BatchSize))).ToList();
            List<Tensor> randomSets;
            string? randomSource = parsed.GetValue(random);
            if (randomSource is null) randomSets = ConceptImages.RandomSets(data, model.Preprocessing, runCount + 1, size, options.Seed, options.BatchSize);
            else if (TryLabel(randomSource, out long randomLabel))
                randomSets = Split(ConceptImages.Labelled(data, model.Preprocessing, randomLabel, (runCount + 1) * size, options.BatchSize), runCount + 1, size, randomSource);
            else
            {
                using var randomData = ImageDatasets.Open(randomSource);
                randomSets = ConceptImages.RandomSets(randomData, model.Preprocessing, runCount + 1, size, options.Seed, options.BatchSize);
            }
            console.Error.WriteLine($"tcav: {specs.Count + 1} x {runCount} concept activation vectors at {parsed.GetRequiredValue(layer)}");
            var results = Tcav.Run(model, parsed.GetRequiredValue(layer), classInputs, classIndex, conceptSets, randomSets, options);
            string folder = parsed.GetRequiredValue(output);
            OutputFolder.Prepare(folder);
            string path = Path.Combine(folder, FileName);
            AtomicFile.WriteText(path, Json(model, data, results, classInputs.shape[0], size, options));
            WriteSummary(results, model, path, console.Out);
            return LumenCli.Success;
        });
        return command;
    }

    /// <summary>Prints one line per concept and the file written.</summary>
    public static void WriteSummary(IReadOnlyList<TcavResult> results, ExplainableModel model, string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"{"concept",-20}{"TCAV",8}{"random",8}{"p",12}  significant (p < {results[0].Threshold.ToString("G3", c)})");
        foreach (var r in results)
            output.WriteLine(string.Create(c, $"{r.Concept,-20}{r.Mean,8:F3}{r.RandomMean,8:F3}{r.PValue,12:G3}  {(r.Significant ? "yes" : "no")}"));
        output.WriteLine($"class {results[0].ClassIndex} ({model.LabelOf(results[0].ClassIndex)}) at layer {results[0].Layer}; every run in {path}");
    }

    private static string Json(ExplainableModel model, IImageDataset data, IReadOnlyList<TcavResult> results, long classImages, int setSize, TcavOptions options)
    {
        var document = new
        {
            model = model.Name,
            data = data.Description,
            layer = results[0].Layer,
            classIndex = results[0].ClassIndex,
            className = model.LabelOf(results[0].ClassIndex),
            classImages,
            setSize,
            runs = results[0].Scores.Count,
            alpha = options.Alpha,
            threshold = results[0].Threshold,
            seed = options.Seed,
            concepts = results.Select(r => new
            {
                name = r.Concept,
                mean = r.Mean,
                randomMean = r.RandomMean,
                t = double.IsFinite(r.T) ? r.T : Math.Sign(r.T) * double.MaxValue,
                p = r.PValue,
                significant = r.Significant,
                scores = r.Scores,
                randomScores = r.RandomScores,
                cavAccuracies = r.CavAccuracies.Select(a => double.IsNaN(a) ? (double?)null : a),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    private static (string Name, string Source) ParseConcept(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1) throw LumenException.Usage($"--concept {text}: expected NAME=SOURCE (a folder, an .npy or label:K)");
        return (text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    private static bool TryLabel(string source, out long label)
    {
        label = -1;
        if (!source.StartsWith("label:", StringComparison.OrdinalIgnoreCase)) return false;
        if (!long.TryParse(source[6..], NumberStyles.Integer, CultureInfo.InvariantCulture, out label) || label < 0)
            throw LumenException.Usage($"{source}: expected label:K with K a class index");
        return true;
    }

    private static Tensor Read(string source, IImageDataset data, ExplainableModel model, int size, int batchSize)
    {
        if (TryLabel(source, out long label)) return ConceptImages.Labelled(data, model.Preprocessing, label, size, batchSize);
        using var concept = ImageDatasets.Open(source);
        return ConceptImages.Labelled(concept, model.Preprocessing, null, size, batchSize);
    }

    private static List<Tensor> Split(Tensor images, int sets, int size, string source)
    {
        if (images.shape[0] < (long)sets * size)
            throw LumenException.Usage($"--random {source} has {images.shape[0]} images; {sets} sets of {size} need {sets * size}: lower --random-sets or --set-size");
        return Enumerable.Range(0, sets).Select(set => images.narrow(0, (long)set * size, size)).ToList();
    }
}
