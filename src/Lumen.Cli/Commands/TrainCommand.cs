using System.CommandLine;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Training;
using TorchSharp;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen train</c>: trains a catalog architecture on a labelled dataset (Fashion-MNIST by default) with Adam,
/// reports the test accuracy, and saves the weights (.safetensors, .pt or TorchSharp format by extension).
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("train", "Train a model on a labelled dataset (default: Fashion-MNIST) and save its weights.");
        var model = new Option<string>("--model", "-m") { Description = "the architecture (see 'lumen models')", DefaultValueFactory = _ => FmnistNet.Name };
        var data = new Option<string>("--data", "-d") { Description = $"the dataset: '{ImageDatasets.FashionMnistAlias}', a folder of IDX files, or a folder of class sub-folders of images", DefaultValueFactory = _ => ImageDatasets.FashionMnistAlias };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training split", DefaultValueFactory = _ => new TrainingOptions().Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "images per step", DefaultValueFactory = _ => new TrainingOptions().BatchSize };
        var learningRate = new Option<double>("--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => new TrainingOptions().LearningRate };
        var seed = new Option<int>("--seed") { Description = "seed of the initialisation and the batch order", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out", "-o") { Description = "weights file to write (.safetensors, .pt, or anything else for TorchSharp's format)", Required = true };
        foreach (Option option in new Option[] { model, data, epochs, batchSize, learningRate, seed, output }) command.Add(option);

        command.SetAction(parsed =>
        {
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batchSize),
                LearningRate = parsed.GetValue(learningRate),
                Seed = parsed.GetValue(seed),
            };
            options.Validate();
            var definition = ModelCatalog.Find(parsed.GetRequiredValue(model));
            var path = parsed.GetRequiredValue(output);
            if (Directory.Exists(path)) throw LumenException.Usage($"--out {path} is a folder; give the weights file to write, e.g. {Path.Combine(path, "model.safetensors")}");
            OutputFolder.Prepare(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var preprocessing = definition.InputPreprocessing;
            var dataPath = parsed.GetRequiredValue(data);
            using var train = Load(console, dataPath, "train", preprocessing);
            using var test = Load(console, dataPath, "test", preprocessing);
            torch.manual_seed(options.Seed);
            using var module = definition.Create(definition.DefaultClasses);
            module.to(device.Resolve(parsed).Torch); // initialised on the CPU, so the start is the same on every device
            var bar = new CliProgress(console, $"training {definition.Name}");
            var epochResults = Trainer.Train(module, train, options,
                new ActionProgress<TrainingProgress>(p => bar.Report(p.Step, p.TotalSteps, $"epoch {p.Epoch}  loss {p.Loss:F3}  accuracy {p.Accuracy:P1}")),
                console.Cancellation);
            var accuracy = Trainer.Accuracy(module, test);
            module.to(torch.CPU); // weights files are written from the CPU
            WeightLoader.Save(module, path);
            foreach (var epoch in epochResults)
            {
                console.Out.WriteLine($"epoch {epoch.Epoch}: loss {epoch.Loss:F4}, training accuracy {epoch.Accuracy:P2}, {epoch.Seconds:F1} s");
            }

            console.Out.WriteLine($"test accuracy {accuracy:P2} on {test.Count} images; weights written to {path}");
            return LumenCli.Success;
        });
        return command;
    }

    private static LabelledTensors Load(CliConsole console, string dataPath, string split, ImagePreprocessing preprocessing)
    {
        using var dataset = ImageDatasets.Open(DatasetPaths.Resolve(dataPath, console), split);
        return LabelledTensors.Load(dataset, preprocessing, new CliProgress(console, $"reading {dataset.Description}"), console.Cancellation);
    }
}
