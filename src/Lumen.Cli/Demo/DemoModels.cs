using Lumen.Models;
using Lumen.Training;
using TorchSharp;

namespace Lumen.Cli.Demo;

/// <summary>Trains the demo's models, or loads them from the cache when an earlier run trained them with the same settings.</summary>
internal static class DemoModels
{
    /// <summary>The model trained on <paramref name="data"/>, cached under a name made of <paramref name="kind"/> and the training settings.</summary>
    public static (ExplainableModel Model, bool FromCache) TrainOrLoad(string kind, LabelledTensors data, DemoSettings settings, CliConsole console)
    {
        var options = settings.Training;
        var file = Path.Combine(settings.CacheFolder,
            $"{FmnistNet.Name}-{kind}-n{data.Count}-e{options.Epochs}-b{options.BatchSize}-lr{options.LearningRate:G4}-s{options.Seed}.safetensors");
        if (!settings.Retrain && File.Exists(file))
        {
            try
            {
                return (LoadOn(file, settings), true);
            }
            catch (LumenException e)
            {
                console.Error.WriteLine($"lumen: cached weights {file} could not be loaded ({e.Message}); training again");
            }
        }

        torch.manual_seed(options.Seed);
        using (var module = ModelCatalog.Find(FmnistNet.Name).Create(10))
        {
            module.to(settings.Device.Torch); // initialised on the CPU, so the start is the same on every device
            var bar = new CliProgress(console, $"  training the {kind} model");
            Trainer.Train(module, data, options, new ActionProgress<TrainingProgress>(p =>
                bar.Report(p.Step, p.TotalSteps, $"epoch {p.Epoch}  loss {p.Loss:F3}  accuracy {p.Accuracy:P1}")));
            Directory.CreateDirectory(settings.CacheFolder);
            module.to(torch.CPU); // weights files are written from the CPU
            WeightLoader.Save(module, file);
        }

        return (LoadOn(file, settings), false);
    }

    private static ExplainableModel LoadOn(string file, DemoSettings settings)
    {
        var model = ModelCatalog.Load(FmnistNet.Name, file);
        try
        {
            return model.To(settings.Device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
