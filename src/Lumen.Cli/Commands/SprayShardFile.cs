using System.Text.Json.Nodes;
using Lumen.Data;
using Lumen.Evaluation;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>One shard of <c>lumen spray --shard I/N</c>: the class's images in that part of the dataset and their relevance.</summary>
/// <param name="Shard">Which shard.</param>
/// <param name="Run">What the run analyses (identical in every shard).</param>
/// <param name="Indices">Dataset-wide index of each image.</param>
/// <param name="Relevance">Pixel relevance [n, H, W], or null when the shard holds no image of the class.</param>
/// <param name="Inputs">Model-ready images [n, C, H, W] (the clusters' mean images).</param>
/// <param name="Displays">Pictures [n, 3, H, W] in [0, 1] (the prototypes' backgrounds).</param>
public sealed record SprayShard(DatasetShard Shard, SprayRun Run, long[] Indices, Tensor? Relevance, Tensor Inputs, Tensor Displays);

/// <summary>
/// The files of a SpRAy shard (<c>spray.shard-I-of-N.json</c> and its arrays) and the merge that clusters all shards'
/// relevance maps together, exactly as one unsharded run does: explaining is the expensive half and shards; the
/// clustering needs every map at once and runs in <c>lumen merge</c>.
/// </summary>
public static class SprayShardFile
{
    /// <summary>The manifest's <c>kind</c> field.</summary>
    public const string Kind = "lumen-spray-shard";

    private static readonly string[] Arrays = ["relevance", "inputs", "displays"];

    /// <summary>Writes the shard's arrays and then its manifest into <paramref name="folder"/> (which must exist); returns the manifest's path.</summary>
    public static string Write(string folder, SprayShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        string stem = $"shard-{shard.Shard.Index}-of-{shard.Shard.Count}";
        if (shard.Relevance is { } relevance)
        {
            foreach (var (name, tensor) in Arrays.Zip(new[] { relevance, shard.Inputs, shard.Displays }))
                NpyFile.Write(Path.Combine(folder, $"spray-{name}.{stem}.npy"), tensor.to_type(ScalarType.Float32));
        }

        var options = shard.Run.Options;
        var manifest = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["shard"] = shard.Shard.ToString(),
            ["model"] = shard.Run.Model,
            ["data"] = shard.Run.Data,
            ["class"] = shard.Run.ClassIndex,
            ["classLabel"] = shard.Run.ClassLabel,
            ["method"] = shard.Run.Method,
            ["grid"] = options.Size,
            ["neighbours"] = options.Neighbours,
            ["clusters"] = options.Clusters,
            ["maxClusters"] = options.MaxClusters,
            ["seed"] = options.Seed,
            ["batchSize"] = options.BatchSize,
            ["images"] = new JsonArray([.. shard.Indices.Select(i => (JsonNode?)i)]),
            ["arrays"] = shard.Relevance is null ? null : new JsonArray([.. Arrays.Select(name => (JsonNode?)$"spray-{name}.{stem}.npy")]),
        };
        string path = Path.Combine(folder, $"spray.{stem}.json");
        AtomicFile.WriteText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>Reads a shard through its manifest (the arrays are found next to it).</summary>
    /// <exception cref="LumenException">A missing or malformed manifest or array (kind InputData).</exception>
    public static SprayShard Read(string path)
    {
        return ShardManifest.Read(path, Kind, "SpRAy shard", (root, folder) =>
        {
            var options = new SprayOptions
            {
                Size = (int)root["grid"]!,
                Neighbours = (int)root["neighbours"]!,
                Clusters = (int?)root["clusters"],
                MaxClusters = (int)root["maxClusters"]!,
                Seed = (int)root["seed"]!,
                BatchSize = (int)root["batchSize"]!,
            };
            var run = new SprayRun((string)root["model"]!, (string)root["data"]!, (int)root["class"]!, (string)root["classLabel"]!, (string)root["method"]!, options);
            long[] indices = [.. root["images"]!.AsArray().Select(i => (long)i!)];
            if (root["arrays"] is not JsonArray names)
            {
                if (indices.Length > 0) throw new FormatException("it lists images but no arrays");
                return new SprayShard(DatasetShard.Parse((string)root["shard"]!), run, indices, null, torch.zeros(0), torch.zeros(0));
            }

            var tensors = names.Select(n => (string)n!).Select(name =>
            {
                var tensor = NpyFile.Read(ShardManifest.Sibling(folder, name));
                if (tensor.dim() < 3 || tensor.shape[0] != indices.Length) throw new FormatException($"{name} does not hold {indices.Length} images");
                return tensor;
            }).ToList();
            if (tensors.Count != 3) throw new FormatException("it does not name the relevance, inputs and displays arrays");
            return new SprayShard(DatasetShard.Parse((string)root["shard"]!), run, indices, tensors[0], tensors[1], tensors[2]);
        });
    }

    /// <summary>
    /// Checks that <paramref name="shards"/> are all N shards of one run and concatenates them in dataset order:
    /// (relevance, inputs, displays, indices, run).
    /// </summary>
    /// <exception cref="LumenException">Shards of different runs, missing or repeated shards (kind InputData), or fewer than 3 images in all.</exception>
    public static (Tensor Relevance, Tensor Inputs, Tensor Displays, long[] Indices, SprayRun Run) Merge(IReadOnlyList<SprayShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        DatasetShard.CheckComplete([.. shards.Select(s => s.Shard)]);
        var run = shards[0].Run;
        if (shards.Any(s => s.Run != run))
            throw LumenException.InputData("cannot merge: the shard files come from different SpRAy runs (model, data, class, method or settings differ)");
        var ordered = shards.OrderBy(s => s.Shard.Index).Where(s => s.Relevance is not null).ToList();
        long[] indices = [.. ordered.SelectMany(s => s.Indices)];
        SprayOutputs.CheckEnough(indices.Length, run);
        return (torch.cat(ordered.Select(s => s.Relevance!).ToList(), 0), torch.cat(ordered.Select(s => s.Inputs).ToList(), 0),
            torch.cat(ordered.Select(s => s.Displays).ToList(), 0), indices, run);
    }
}
