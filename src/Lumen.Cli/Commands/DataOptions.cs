using System.CommandLine;
using Lumen.Data;

namespace Lumen.Cli.Commands;

/// <summary>The options that choose a dataset, shared by every command that streams one through a model.</summary>
public sealed class DataOptions
{
    /// <summary>--data PATH.</summary>
    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = $"the dataset: '{ImageDatasets.FashionMnistAlias}' ({ImageDatasets.FashionMnistFolder}), a folder of IDX files, a folder of images (sub-folders = classes), or an .npy array [N, C, H, W] in [0, 1]",
        Required = true,
    };

    /// <summary>--split train|test.</summary>
    public Option<string> Split { get; } = new("--split")
    {
        Description = "which split of an IDX dataset: train or test",
        DefaultValueFactory = _ => "test",
    };

    /// <summary>--batch-size N.</summary>
    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = "images per forward pass",
        DefaultValueFactory = _ => DatasetStream.DefaultBatchSize,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(Split);
        command.Add(BatchSize);
    }

    /// <summary>Opens the chosen dataset; a Fashion-MNIST download draws its progress on <paramref name="console"/>.</summary>
    public IImageDataset Open(ParseResult parsed, CliConsole? console = null)
    {
        string path = parsed.GetRequiredValue(Data);
        return ImageDatasets.Open(console is null ? path : DatasetPaths.Resolve(path, console), parsed.GetRequiredValue(Split));
    }

    /// <summary>The batch size, checked to be positive.</summary>
    public int GetBatchSize(ParseResult parsed)
    {
        var size = parsed.GetValue(BatchSize);
        return size >= 1 ? size : throw LumenException.Usage($"--batch-size must be at least 1 (got {size})");
    }
}
