using System.CommandLine;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen top-k</c>: streams a dataset through the model once and writes, for each unit, the K images that score
/// highest and lowest: <c>OUT/topk.json</c>, <c>OUT/topk.csv</c> and the montage <c>OUT/topk.png</c>.
/// </summary>
public static class TopKCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("top-k", "Find the dataset images that score highest and lowest for classes, channels or neurons (JSON, CSV and a montage).");
        var modelOptions = new ModelOptions();
        modelOptions.AddTo(command);
        var dataOptions = new DataOptions();
        dataOptions.AddTo(command);
        var unitOptions = new UnitOptions();
        unitOptions.AddTo(command);
        var k = new Option<int>("--k", "-k") { Description = "images kept at each end per unit", DefaultValueFactory = _ => 9 };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        command.Add(k);
        command.Add(output);

        command.SetAction(parsed =>
        {
            int count = parsed.GetValue(k);
            if (count < 1) throw LumenException.Usage($"--k must be at least 1 (got {count})");
            int batchSize = dataOptions.GetBatchSize(parsed);
            using var model = modelOptions.Load(parsed);
            var units = unitOptions.Parse(parsed, model);
            using var data = dataOptions.Open(parsed);
            var progress = new CliProgress(console, "top-k");
            var result = DatasetTopK.Run(model, data, units, count, batchSize, thumbnails: true, progress, console.Cancellation);
            string title = $"Top and bottom {count} of {data.Description} for {model.Name}";
            var montage = TopKFiles.Montage(result, data, title);

            string folder = parsed.GetRequiredValue(output);
            Directory.CreateDirectory(folder);
            TopKFiles.WriteJson(Path.Combine(folder, "topk.json"), result, model.Name, data);
            TopKFiles.WriteCsv(Path.Combine(folder, "topk.csv"), result, data);
            montage.SavePng(Path.Combine(folder, "topk.png"));
            foreach (var ranking in result.Rankings)
            {
                console.Out.WriteLine($"{ranking.Unit.Name}: top {string.Join(", ", ranking.Top.Select(e => $"#{e.Index} ({e.Score:G4})"))}");
            }
            console.Out.WriteLine($"wrote {Path.Combine(folder, "topk.json")}, topk.csv and topk.png");
            return LumenCli.Success;
        });
        return command;
    }
}
