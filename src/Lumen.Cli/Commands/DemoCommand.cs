using System.CommandLine;
using Lumen.Cli.Demo;
using Lumen.Data;
using Lumen.Shortcuts;
using Lumen.Training;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen demo</c>: the main job. Trains a clean and a shortcut (watermark) model on Fashion-MNIST, explains
/// both with every method, and writes report/index.html. Trained weights are cached between runs.
/// </summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("demo", "Train on Fashion-MNIST, plant a shortcut, explain both models, and write an HTML report.");
        var data = new Option<string>("--data", "-d") { Description = $"Fashion-MNIST IDX files: '{ImageDatasets.FashionMnistAlias}' ({ImageDatasets.FashionMnistFolder}) or a folder", DefaultValueFactory = _ => ImageDatasets.FashionMnistAlias };
        var output = new Option<string>("--out", "-o") { Description = "output folder; the report is OUT/index.html", DefaultValueFactory = _ => "report" };
        var cache = new Option<string>("--cache") { Description = "folder for trained weights, reused by later runs", DefaultValueFactory = _ => DemoSettings.DefaultCacheFolder() };
        var epochs = new Option<int>("--epochs") { Description = "training epochs of each model", DefaultValueFactory = _ => new TrainingOptions().Epochs };
        var seed = new Option<int>("--seed") { Description = "seed of training and of the watermarked set", DefaultValueFactory = _ => 0 };
        var retrain = new Option<bool>("--retrain") { Description = "train again even when cached weights exist" };
        var shortcutClass = new Option<int>("--shortcut-class") { Description = "the class whose training images carry the watermark", DefaultValueFactory = _ => new ShortcutSettings().TargetClass };
        var trainingImages = new Option<int?>("--train-images") { Description = "train on the first N training images only (quick runs; default: all 60,000)" };
        foreach (Option option in new Option[] { data, output, cache, epochs, seed, retrain, shortcutClass, trainingImages }) command.Add(option);

        command.SetAction(parsed =>
        {
            var settings = new DemoSettings(
                parsed.GetRequiredValue(data),
                parsed.GetRequiredValue(output),
                parsed.GetRequiredValue(cache),
                new TrainingOptions { Epochs = parsed.GetValue(epochs), Seed = parsed.GetValue(seed) },
                new ShortcutSettings { Seed = parsed.GetValue(seed), TargetClass = parsed.GetValue(shortcutClass) },
                parsed.GetValue(retrain),
                parsed.GetValue(trainingImages) is int n ? (n >= 1 ? n : throw LumenException.Usage($"--train-images must be at least 1 (got {n})")) : null)
            {
                Device = device.Resolve(parsed),
            };
            console.Out.WriteLine(DemoPipeline.Run(settings, console));
            return LumenCli.Success;
        });
        return command;
    }
}
