using System.CommandLine;
using System.Globalization;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Understanding;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen visualize</c>: activation maximization. For each unit writes <c>OUT/&lt;unit&gt;.png</c> and
/// <c>OUT/&lt;unit&gt;.npy</c> (the optimised input in the model's input space, [1, C, H, W]), plus
/// <c>OUT/grid.png</c> when there are several units and <c>OUT/visualize.json</c> with the objective history.
/// </summary>
public static class VisualizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("visualize", "Synthesize the input that maximizes a class, channel, neuron or layer (activation maximization).");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var unitOptions = new UnitOptions();
        unitOptions.AddTo(command);
        var defaults = new ActivationMaximizationOptions();
        var steps = new Option<int>("--steps") { Description = "gradient steps", DefaultValueFactory = _ => defaults.Steps };
        var lr = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or plain (gradient ascent)", DefaultValueFactory = _ => "adam" };
        var parameterization = new Option<string>("--parameterization") { Description = "fourier (Lucid's decorrelated spectrum) or pixel", DefaultValueFactory = _ => "fourier" };
        var decay = new Option<double>("--decay") { Description = "spectrum decay power of the fourier form", DefaultValueFactory = _ => defaults.Decay };
        var init = new Option<string>("--init") { Description = "start: noise, constant (see --init-value), an image file, or DATASET:INDEX (e.g. fashion-mnist:12, with --split)", DefaultValueFactory = _ => "noise" };
        var initValue = new Option<double>("--init-value") { Description = "pixel value in [0, 1] of a constant start", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--split") { Description = "split of a DATASET:INDEX start: train or test", DefaultValueFactory = _ => "test" };
        var jitter = new Option<int?>("--jitter") { Description = "random shift in pixels before each step (default: image side / 16)" };
        var scale = new Option<double>("--scale") { Description = "random scaling by 1 ± this before each step", DefaultValueFactory = _ => defaults.Scale };
        var rotate = new Option<double>("--rotate") { Description = "random rotation in ± degrees before each step", DefaultValueFactory = _ => defaults.Rotation };
        var l2 = new Option<double>("--l2") { Description = "weight of the L2 penalty (mean squared input)", DefaultValueFactory = _ => 0 };
        var tv = new Option<double>("--tv") { Description = "weight of the total-variation penalty", DefaultValueFactory = _ => 0 };
        var blurEvery = new Option<int>("--blur-every") { Description = "Gaussian blur every N steps (pixel form; 0 = off)", DefaultValueFactory = _ => 0 };
        var blurSigma = new Option<double>("--blur-sigma") { Description = "sigma of that blur in pixels", DefaultValueFactory = _ => defaults.BlurSigma };
        var noClip = new Option<bool>("--no-clip") { Description = "let the pixel form leave the valid input range (Simonyan et al.'s unconstrained ascent)" };
        var batchSize = new Option<int>("--batch-size") { Description = "units optimised together in one batch", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<int>("--seed") { Description = "seed of the start noise and transforms", DefaultValueFactory = _ => 0 };
        var columns = new Option<int?>("--columns") { Description = "units per row of grid.png (default: a square)" };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        foreach (Option option in new Option[] { steps, lr, optimizer, parameterization, decay, init, initValue, split, jitter, scale, rotate, l2, tv, blurEvery, blurSigma, noClip, batchSize, seed, columns, output })
            command.Add(option);

        command.SetAction(parsed =>
        {
            using var model = modelOptions.Load(parsed);
            var units = unitOptions.Parse(parsed, model);
            string initText = parsed.GetRequiredValue(init);
            using Tensor? start = StartImage(initText, parsed.GetRequiredValue(split), model);
            var options = new ActivationMaximizationOptions
            {
                Steps = parsed.GetValue(steps),
                LearningRate = parsed.GetValue(lr),
                Rule = Choice(parsed.GetRequiredValue(optimizer), "--optimizer", ("adam", AscentRule.Adam), ("plain", AscentRule.Plain)),
                Parameterization = Choice(parsed.GetRequiredValue(parameterization), "--parameterization", ("fourier", ImageParameterizationKind.Fourier), ("pixel", ImageParameterizationKind.Pixel)),
                Decay = parsed.GetValue(decay),
                Init = start is not null ? InitKind.Image : Choice(initText, "--init", ("noise", InitKind.Noise), ("constant", InitKind.Constant)),
                InitValue = parsed.GetValue(initValue),
                InitImage = start,
                Jitter = parsed.GetValue(jitter),
                Scale = parsed.GetValue(scale),
                Rotation = parsed.GetValue(rotate),
                L2 = parsed.GetValue(l2),
                TotalVariation = parsed.GetValue(tv),
                BlurEvery = parsed.GetValue(blurEvery),
                BlurSigma = parsed.GetValue(blurSigma),
                Clip = !parsed.GetValue(noClip),
                BatchSize = parsed.GetValue(batchSize),
                Seed = parsed.GetValue(seed),
            };
            if (parsed.GetValue(columns) is < 1) throw LumenException.Usage("--columns must be at least 1");
            var progress = new CliProgress(console, "visualize");
            var maximization = new ActivationMaximization(model, options);
            using var result = maximization.Run(units, new Progress(progress));

            // Render everything, then write.
            var pending = new List<(string Name, Action<string> Save)>();
            for (int u = 0; u < units.Count; u++)
            {
                var picture = VisualizationFiles.Picture(result, u);
                var input = result.Input.narrow(0, u, 1);
                pending.Add(($"{units[u].Name}.png", picture.SavePng));
                pending.Add(($"{units[u].Name}.npy", path => NpyFile.Write(path, input)));
            }
            if (units.Count > 1)
            {
                var grid = VisualizationFiles.Grid(result, $"{model.Name}: {Describe(units)}", parsed.GetValue(columns));
                pending.Add(("grid.png", grid.SavePng));
            }
            pending.Add(("visualize.json", path => VisualizationFiles.WriteSummary(path, result, model.Name, options)));
            string folder = parsed.GetRequiredValue(output);
            using (var staged = StagedOutput.Open(folder))
            {
                foreach (var (name, save) in pending) save(staged.PathFor(name));
                staged.Commit();
            }
            for (int u = 0; u < units.Count; u++)
                console.Out.WriteLine($"{units[u].Name}: {units[u].DescribeWith(model.ClassLabels)} = {result.FinalValues[u].ToString("G4", CultureInfo.InvariantCulture)} (total variation {result.TotalVariation[u].ToString("F4", CultureInfo.InvariantCulture)})");
            console.Out.WriteLine($"wrote {units.Count} images to {folder}");
            return LumenCli.Success;
        });
        return command;
    }

    private static string Describe(IReadOnlyList<Unit> units) =>
        units[0].IsClass ? $"{units.Count} classes" : $"{units.Count} units of {units[0].Layer}";

    private static T Choice<T>(string text, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (name, value) in choices)
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase)) return value;
        throw LumenException.Usage($"{option} {text}: use {string.Join(" or ", choices.Select(c => c.Name))}");
    }

    /// <summary>The start pixels [1, C, H, W] for an image file or DATASET:INDEX, or null for noise/constant.</summary>
    private static Tensor? StartImage(string text, string split, ExplainableModel model)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("noise", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("constant", StringComparison.OrdinalIgnoreCase)) return null;
        var space = new InputSpace(model.Preprocessing, (int)model.InputShape[0]);
        int colon = trimmed.LastIndexOf(':');
        if (colon > 0 && int.TryParse(trimmed[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            using var data = ImageDatasets.Open(trimmed[..colon], split);
            if (index < 0 || index >= data.Count)
                throw LumenException.Usage($"--init {text}: index {index} is out of range: {data.Description} has images 0 to {data.Count - 1}");
            using var pixels = data.LoadPixels(index, 1);
            using var one = ImageDatasets.FromTensor(pixels.clone());
            using var batch = DatasetStream.Batches(one, model.Preprocessing, 1).Single();
            return space.ToPixels(batch.Input);
        }
        if (!File.Exists(trimmed))
            throw LumenException.Usage($"--init {text}: not 'noise', 'constant', an existing image file or DATASET:INDEX");
        using var loaded = ImageLoader.Load(trimmed, model.Preprocessing);
        return space.ToPixels(loaded.Input);
    }

    /// <summary>Shows optimisation steps on the progress line.</summary>
    private sealed class Progress(CliProgress line) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) =>
            line.Report(value.Done, value.Total, $"steps  objective {value.Objective.ToString("G4", CultureInfo.InvariantCulture)}");
    }
}
