using System.CommandLine;
using Lumen.Attributions;
using Lumen.Data;
using Lumen.Evaluation;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen spray</c>: spectral relevance analysis of one class over a dataset. Explains the class on every image of
/// that class, clusters the relevance maps, and writes OUT/clusters.json (the cluster of each image index, sizes,
/// eigenvalues) and OUT/prototypes.png (each cluster's mean image and mean relevance).
/// </summary>
public static class SprayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("spray", "Cluster the explanations of one class over a dataset (SpRAy) to find the model's strategies, e.g. shortcuts.");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        var dataOptions = new DataOptions();
        dataOptions.AddTo(command);
        var classOption = new Option<int>("--class", "-c") { Description = "the class to analyse: its images (by label) are explained for it", Required = true };
        var method = new Option<string>("--method") { Description = "the attribution method (see 'lumen methods')", DefaultValueFactory = _ => "lrp" };
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer for layer methods such as gradcam" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a method setting name=value, repeatable" };
        var size = new Option<int>("--grid") { Description = "side of the average-pooled maps that are clustered", DefaultValueFactory = _ => new SprayOptions().Size };
        var neighbours = new Option<int>("--neighbours") { Description = "k of the k-nearest-neighbour graph", DefaultValueFactory = _ => new SprayOptions().Neighbours };
        var clusters = new Option<int?>("--clusters") { Description = "the number of clusters (default: chosen by the largest eigengap)" };
        var maxClusters = new Option<int>("--max-clusters") { Description = "the most clusters the eigengap may choose", DefaultValueFactory = _ => new SprayOptions().MaxClusters };
        var limit = new Option<int?>("--limit") { Description = "analyse only the first N images of the class" };
        var seed = new Option<int>("--seed") { Description = "seed of k-means", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        var shard = new Option<string?>("--shard") { Description = "explain only shard I of N of the dataset (0-based, e.g. 0/4) and write its relevance maps; 'lumen merge' clusters all shards" };
        foreach (Option option in new Option[] { classOption, method, layer, parameters, size, neighbours, clusters, maxClusters, limit, seed, output, shard }) command.Add(option);

        command.SetAction(parsed =>
        {
            int classIndex = parsed.GetValue(classOption);
            int? count = parsed.GetValue(limit);
            if (count is < 3) throw LumenException.Usage($"--limit {count}: SpRAy needs at least 3 images");
            DatasetShard? part = parsed.GetValue(shard) is { } text ? DatasetShard.Parse(text) : null;
            if (part is not null && count is not null) throw LumenException.Usage("--limit takes the first images of the class, which a shard cannot know; use --shard without --limit");
            var options = new SprayOptions
            {
                Size = parsed.GetValue(size),
                Neighbours = parsed.GetValue(neighbours),
                Clusters = parsed.GetValue(clusters),
                MaxClusters = parsed.GetValue(maxClusters),
                Seed = parsed.GetValue(seed),
                BatchSize = dataOptions.GetBatchSize(parsed),
            };
            options.Validate();
            using var model = modelOptions.Load(parsed);
            if (classIndex < 0 || classIndex >= model.ClassCount)
                throw LumenException.Usage($"--class {classIndex} is out of range: the model has {model.ClassCount} classes (0 to {model.ClassCount - 1})");
            var attribution = MethodCatalog.Find(parsed.GetRequiredValue(method))
                .Build(model, new MethodOptions(parsed.GetValue(layer), ParamOption.Parse(parsed.GetValue(parameters) ?? Array.Empty<string>())));
            using var data = dataOptions.Open(parsed, console);
            using var slice = part?.Of(data);
            using var scope = NewDisposeScope();
            var (inputs, displays, indices) = Select(slice ?? data, model, classIndex, count, options.BatchSize, new CliProgress(console, "reading"));
            string folder = parsed.GetRequiredValue(output);
            var run = new SprayRun(model.Name, data.Description, classIndex, model.LabelOf(classIndex), attribution.Name, options);
            if (part is { } thisShard)
            {
                int offset = slice!.Start;
                var bar = new CliProgress(console, attribution.Name);
                var relevance = indices.Count == 0 ? null : Spray.Relevance(model, inputs, classIndex, attribution, options.BatchSize, (done, total) => bar.Report(done, total, "images"));
                OutputFolder.Prepare(folder);
                string manifest = SprayShardFile.Write(folder, new SprayShard(thisShard, run, [.. indices.Select(i => i + offset)], relevance, inputs, displays));
                console.Out.WriteLine($"shard {thisShard}: {indices.Count} images of class {classIndex} explained; manifest {manifest} (cluster all shards with 'lumen merge')");
                return LumenCli.Success;
            }

            SprayOutputs.CheckEnough(indices.Count, run);
            var progress = new CliProgress(console, attribution.Name);
            using var result = Spray.Run(model, inputs, classIndex, attribution, options, (done, total) => progress.Report(done, total, "images"));
            SprayOutputs.Write(folder, result, displays, indices, run, console);
            return LumenCli.Success;
        });
        return command;
    }

    /// <summary>The model-ready inputs, pictures and dataset indices of the images labelled <paramref name="classIndex"/> (all images when unlabelled).</summary>
    private static (Tensor Inputs, Tensor Displays, List<long> Indices) Select(IImageDataset data, ExplainableModel model, int classIndex, int? limit, int batchSize, CliProgress progress)
    {
        var inputs = new List<Tensor>();
        var displays = new List<Tensor>();
        var indices = new List<long>();
        foreach (var batch in DatasetStream.Batches(data, model.Preprocessing, batchSize, new ActionProgress<DatasetProgress>(p => progress.Report(p))))
        {
            using (batch)
            {
                var keep = Enumerable.Range(0, batch.Count).Where(i => batch.Labels is null || batch.Labels[i] == classIndex).ToList();
                if (limit is { } most) keep = keep.Take(most - indices.Count).ToList();
                if (keep.Count == 0) continue;
                using var index = torch.tensor(keep.Select(i => (long)i).ToArray());
                inputs.Add(batch.Input.index_select(0, index).to(model.Device.Torch));
                displays.Add(batch.Display.index_select(0, index));
                indices.AddRange(keep.Select(i => (long)(batch.Start + i)));
            }
            if (limit is { } max && indices.Count >= max) break;
        }
        if (inputs.Count == 0) return (torch.zeros(0, device: model.Device.Torch), torch.zeros(0), indices);
        return (torch.cat(inputs, 0), torch.cat(displays, 0), indices);
    }
}
