using Lumen.Data;
using Lumen.Models;
using Lumen.Training;

namespace Lumen.Cli.Demo;

/// <summary>The demo's Fashion-MNIST train and test splits, in memory as model input.</summary>
internal sealed class DemoData : IDisposable
{
    private DemoData(LabelledTensors train, LabelledTensors test, IReadOnlyList<string> classNames)
    {
        Train = train;
        Test = test;
        ClassNames = classNames;
    }

    public LabelledTensors Train { get; }

    public LabelledTensors Test { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public static DemoData Load(string path, int? trainingImages, CliConsole console)
    {
        var preprocessing = ModelCatalog.Find(FmnistNet.Name).InputPreprocessing;
        path = DatasetPaths.Resolve(path, console);
        using var train = Open(path, "train");
        using var test = Open(path, "test");
        var trainTensors = LabelledTensors.Load(train, preprocessing, new CliProgress(console, $"  reading {train.Description}"));
        if (trainingImages is int limit && limit < trainTensors.Count)
        {
            using var all = trainTensors;
            trainTensors = all.Take(limit);
        }

        var testTensors = LabelledTensors.Load(test, preprocessing, new CliProgress(console, $"  reading {test.Description}"));
        return new DemoData(trainTensors, testTensors, train.ClassNames ?? ImageDatasets.FashionMnistClasses);
    }

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }

    private static IImageDataset Open(string path, string split)
    {
        var data = ImageDatasets.Open(path, split);
        if (data.Labels is null || data.Count == 0)
        {
            data.Dispose();
            throw LumenException.InputData($"the demo needs labelled Fashion-MNIST IDX files; {data.Description} has none. Install them with 'sudo apt-get install dataset-fashion-mnist' or pass --data DIR.");
        }

        return data;
    }
}
