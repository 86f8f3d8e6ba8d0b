using System.CommandLine;
using Lumen.Data;
using Lumen.Embedding;
using Lumen.IO;
using Lumen.Imaging;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen embed</c>: embeds a dataset's features at one layer of a model (or a given [N, D] matrix) in 2-D with PCA
/// or t-SNE, and writes the coordinates (.npy, .csv), the quality figures (.json) and a scatter plot (.png).
/// </summary>
public static class EmbedCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, ThreadsOption threads, DeviceOption device)
    {
        var command = new Command("embed", "Map a dataset's features (any layer) or a feature matrix to 2-D with PCA or t-SNE: coordinates, quality figures and a scatter plot.");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.Model.Required = false;
        modelOptions.AddTo(command, withLabels: false);
        var dataOptions = new DataOptions();
        dataOptions.Data.Required = false;
        dataOptions.AddTo(command);
        var layer = new Option<string?>("--layer", "-l") { Description = "the layer whose output is embedded (see 'lumen layers'); default: the model's output (logits)" };
        var pool = new Option<string>("--pool") { Description = "flatten: all values of the layer output; mean: global average over H and W of a [C, H, W] map", DefaultValueFactory = _ => "flatten" };
        var features = new Option<string?>("--features") { Description = "embed this float .npy matrix [N, D] instead of model features" };
        var labels = new Option<string?>("--labels") { Description = "integer .npy [N] of class ids that colour --features (datasets bring their own labels)" };
        var method = new Option<string>("--method") { Description = "pca or tsne", DefaultValueFactory = _ => "tsne" };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (effective number of neighbours); at most (N − 1) / 3", DefaultValueFactory = _ => 30 };
        var engine = new Option<string>("--engine") { Description = "t-SNE repulsion: exact, bh (Barnes-Hut), fft (FIt-SNE interpolation) or auto (exact < 1,000 points, bh < 10,000, else fft)", DefaultValueFactory = _ => "auto" };
        var seed = new Option<int>("--seed") { Description = "seed of the neighbour search and the initialisation; same seed and threads give the same map", DefaultValueFactory = _ => 0 };
        var pcaDims = new Option<int>("--pca-dims") { Description = "for t-SNE, first reduce features to this many principal components (0: use them as they are)", DefaultValueFactory = _ => 50 };
        var limit = new Option<int?>("--limit") { Description = "embed only the first N images of the dataset" };
        var thumbnails = new Option<bool>("--thumbnails") { Description = "also draw embedding-thumbnails.png with small images at the points (dataset input only)" };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-embed" };
        var json = new Option<bool>("--json") { Description = "print the figures as JSON to standard output" };
        var shard = new Option<string?>("--shard") { Description = "only extract the features of shard I of N (0-based, e.g. 0/4) and write them for 'lumen merge'; no embedding" };
        foreach (Option option in new Option[] { layer, pool, limit, features, labels, method, perplexity, engine, seed, pcaDims, thumbnails, shard, output, json }) command.Add(option);

        command.SetAction(parsed =>
        {
            var request = new EmbedRequest(
                ParseMethod(parsed.GetRequiredValue(method)),
                parsed.GetValue(perplexity),
                ParseEngine(parsed.GetRequiredValue(engine)),
                parsed.GetValue(seed),
                parsed.GetValue(pcaDims) >= 0 ? parsed.GetValue(pcaDims) : throw LumenException.Usage("--pca-dims must be 0 or more."),
                threads.Resolve(parsed),
                parsed.GetRequiredValue(output),
                parsed.GetValue(thumbnails));
            var poolKind = parsed.GetRequiredValue(pool) switch
            {
                "flatten" => FeaturePooling.Flatten,
                "mean" => FeaturePooling.Mean,
                var other => throw LumenException.Usage($"--pool '{other}' is not known; use flatten or mean."),
            };
            if (parsed.GetValue(shard) is { } part)
            {
                if (parsed.GetValue(features) is not null) throw LumenException.Usage("--shard splits a dataset: use it with --model and --data, not --features.");
                if (parsed.GetValue(modelOptions.Model) is null || parsed.GetValue(dataOptions.Data) is null)
                    throw LumenException.Usage("--shard extracts features: give --model NAME (and usually --weights) and --data PATH.");
                var shardPart = DatasetShard.Parse(part);
                using var model = modelOptions.Load(parsed);
                using var data = Limit(dataOptions.Open(parsed, console), parsed.GetValue(limit));
                using var slice = shardPart.Of(data);
                var extracted = FeatureExtraction.Extract(model, slice, parsed.GetValue(layer), poolKind, dataOptions.GetBatchSize(parsed), new CliProgress(console, "features"), console.Cancellation);
                OutputFolder.Prepare(request.Output);
                string manifest = FeatureShardFile.Write(request.Output, shardPart, extracted, EmbedRunner.SourceOf(data, model, parsed.GetValue(layer), poolKind), data.Count);
                console.Out.WriteLine($"wrote {manifest} ({slice.Description}); combine all {shardPart.Count} shards with 'lumen merge', then embed with --features");
                return LumenCli.Success;
            }

            var summary = EmbedRunner.Run(console, request, parsed.GetValue(features), parsed.GetValue(labels),
                () => parsed.GetValue(modelOptions.Model) is null ? null : modelOptions.Load(parsed),
                () => parsed.GetValue(dataOptions.Data) is null ? null : Limit(dataOptions.Open(parsed, console), parsed.GetValue(limit)),
                parsed.GetValue(layer), poolKind, dataOptions.GetBatchSize(parsed));
            if (parsed.GetValue(json)) console.Out.WriteLine(summary.ToJson());
            else EmbedRunner.WriteText(console.Out, summary);
            return LumenCli.Success;
        });
        return command;
    }

    private static IImageDataset Limit(IImageDataset data, int? limit) =>
        limit is not { } count ? data
        : count >= 1 ? new DatasetSlice(data, 0, Math.Min(count, data.Count), ownsInner: true)
        : throw LumenException.Usage($"--limit must be at least 1 (got {count}).");

    private static string ParseMethod(string value) => value.ToLowerInvariant() switch
    {
        "pca" => "pca",
        "tsne" or "t-sne" => "tsne",
        _ => throw LumenException.Usage($"--method '{value}' is not known; use pca or tsne."),
    };

    private static TsneEngine ParseEngine(string value) => value.ToLowerInvariant() switch
    {
        "auto" => TsneEngine.Auto,
        "exact" => TsneEngine.Exact,
        "bh" or "barnes-hut" => TsneEngine.BarnesHut,
        "fft" => TsneEngine.Fft,
        _ => throw LumenException.Usage($"--engine '{value}' is not known; use exact, bh, fft or auto."),
    };
}
