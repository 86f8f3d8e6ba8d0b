using System.CommandLine;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen top-k</c>: streams a dataset through the model once and writes, for each unit, the K images that score
/// highest and lowest: <c>OUT/topk.json</c>, <c>OUT/topk.csv</c> and the montage <c>OUT/topk.png</c>.
/// </summary>
public static class TopKCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("top-k", "Find the dataset images that score highest and lowest for classes, channels or neurons (JSON, CSV and a montage).");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var dataOptions = new DataOptions();
        dataOptions.AddTo(command);
        var unitOptions = new UnitOptions();
        unitOptions.AddTo(command);
        var k = new Option<int>("--k", "-k") { Description = "images kept at each end per unit", DefaultValueFactory = _ => 9 };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        command.Add(k);
        command.Add(output);

        var shardOption = new Option<string?>("--shard") { Description = "process only shard I of N (0-based, e.g. 0/4) and write OUT/topk.shard-I-of-N.json for 'lumen merge'" };
        command.Add(shardOption);

        command.SetAction(parsed =>
        {
            int count = parsed.GetValue(k);
            if (count < 1) throw LumenException.Usage($"--k must be at least 1 (got {count})");
            int batchSize = dataOptions.GetBatchSize(parsed);
            DatasetShard? shard = parsed.GetValue(shardOption) is { } text ? DatasetShard.Parse(text) : null;
            using var model = modelOptions.Load(parsed);
            var units = unitOptions.Parse(parsed, model);
            using var data = dataOptions.Open(parsed, console);
            if (count > data.Count) throw LumenException.Usage($"--k {count} is more than the {data.Count} images of {data.Description}; give at most {data.Count}");
            string folder = parsed.GetRequiredValue(output);
            var progress = new CliProgress(console, "top-k");
            if (shard is { } part)
            {
                using var slice = part.Of(data);
                var local = DatasetTopK.Run(model, slice, units, count, batchSize, thumbnails: true, progress, console.Cancellation);
                OutputFolder.Prepare(folder);
                string file = Path.Combine(folder, TopKShardFile.FileName(part));
                TopKShardFile.Write(file, local.WithOffset(slice.Start, data.Count), part, model.Name, data, model.ClassLabels);
                console.Out.WriteLine($"wrote {file} ({slice.Description}); combine all {part.Count} shard files with 'lumen merge'");
                return LumenCli.Success;
            }

            var result = DatasetTopK.Run(model, data, units, count, batchSize, thumbnails: true, progress, console.Cancellation);
            TopKOutputs.Write(folder, result, model.Name, ExampleCatalog.Of(data), console, model.ClassLabels);
            return LumenCli.Success;
        });
        return command;
    }
}
