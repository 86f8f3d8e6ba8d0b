using System.Text.Json.Nodes;
using Lumen.Data;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>
/// The files <c>lumen embed --shard I/N</c> writes: <c>features.shard-I-of-N.npy</c> (float32 [n, D]),
/// <c>labels.shard-I-of-N.npy</c> (int64 [n], when the dataset has labels), and the manifest
/// <c>features.shard-I-of-N.json</c> that <c>lumen merge</c> reads (written last, so a manifest means a complete shard).
/// </summary>
public static class FeatureShardFile
{
    /// <summary>The value of the manifest's <c>kind</c> field.</summary>
    public const string Kind = "lumen-features-shard";

    /// <summary>The manifest's file name for <paramref name="shard"/>.</summary>
    public static string ManifestName(DatasetShard shard) => $"features.shard-{shard.Index}-of-{shard.Count}.json";

    /// <summary>Writes the shard's arrays and then its manifest into <paramref name="folder"/>; returns the manifest's path.</summary>
    /// <param name="folder">An existing folder.</param>
    /// <param name="shard">Which shard.</param>
    /// <param name="features">The shard's features, in its images' order.</param>
    /// <param name="source">What the features are (dataset, model, layer, pooling).</param>
    /// <param name="images">The whole dataset's image count.</param>
    public static string Write(string folder, DatasetShard shard, ExtractedFeatures features, string source, int images)
    {
        ArgumentNullException.ThrowIfNull(features);
        string stem = $"shard-{shard.Index}-of-{shard.Count}";
        using (var rows = features.Features.ToTensor()) NpyFile.Write(Path.Combine(folder, $"features.{stem}.npy"), rows);
        if (features.Labels is { } labels)
        {
            using var ids = torch.tensor(labels);
            NpyFile.Write(Path.Combine(folder, $"labels.{stem}.npy"), ids);
        }

        var manifest = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["shard"] = shard.ToString(),
            ["source"] = source,
            ["images"] = images,
            ["rows"] = features.Features.Rows,
            ["features"] = $"features.{stem}.npy",
            ["labels"] = features.Labels is null ? null : $"labels.{stem}.npy",
            ["classNames"] = features.ClassNames is { } names ? new JsonArray([.. names.Select(n => (JsonNode?)n)]) : null,
        };
        string path = Path.Combine(folder, ManifestName(shard));
        AtomicFile.WriteText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>Reads a shard through its manifest (the arrays are found next to it).</summary>
    /// <exception cref="LumenException">A missing or malformed manifest or array (kind InputData).</exception>
    public static FeatureShard Read(string manifestPath)
    {
        return ShardManifest.Read(manifestPath, Kind, "feature shard", (root, folder) =>
        {
            int rows = (int)root["rows"]!;
            FeatureMatrix features;
            using (var tensor = NpyFile.Read(ShardManifest.Sibling(folder, (string)root["features"]!))) features = FeatureMatrix.FromTensor(tensor);
            if (features.Rows != rows) throw new FormatException($"its features hold {features.Rows} rows, the manifest says {rows}");
            long[]? labels = null;
            if ((string?)root["labels"] is { } labelFile)
            {
                using var tensor = NpyFile.Read(ShardManifest.Sibling(folder, labelFile));
                if (tensor.dim() != 1 || tensor.shape[0] != rows) throw new FormatException($"its labels are not {rows} ids");
                labels = tensor.to(ScalarType.Int64).data<long>().ToArray();
            }

            var classNames = root["classNames"] is JsonArray names ? names.Select(n => (string)n!).ToList() : null;
            return new FeatureShard(DatasetShard.Parse((string)root["shard"]!), (string)root["source"]!, (int)root["images"]!, features, labels, classNames);
        });
    }

    /// <summary>Combines all N shards of one run, in shard order, into the rows of the whole dataset.</summary>
    /// <exception cref="LumenException">Shards of different runs, missing or repeated shards, or rows that do not add up (kind InputData).</exception>
    public static ExtractedFeatures Merge(IReadOnlyList<FeatureShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw LumenException.Usage("no shard files given");
        var first = shards[0];
        foreach (var shard in shards)
        {
            string? differs = shard.Source != first.Source ? "sources" : shard.Images != first.Images ? "image counts"
                : shard.Shard.Count != first.Shard.Count ? "shard counts" : shard.Features.Columns != first.Features.Columns ? "feature widths"
                : (shard.Labels is null) != (first.Labels is null) ? "labels" : null;
            if (differs is not null) throw LumenException.InputData($"shard {shard.Shard} and shard {first.Shard} come from different runs: their {differs} differ");
        }

        DatasetShard.CheckComplete([.. shards.Select(s => s.Shard)]);
        var ordered = shards.OrderBy(s => s.Shard.Index).ToList();
        foreach (var shard in ordered)
        {
            if (shard.Features.Rows != shard.Shard.CountIn(first.Images))
                throw LumenException.InputData($"shard {shard.Shard} holds {shard.Features.Rows} rows; a {first.Images}-image dataset gives it {shard.Shard.CountIn(first.Images)}");
        }

        var data = ordered.SelectMany(s => s.Features.Data).ToArray();
        var labels = first.Labels is null ? null : ordered.SelectMany(s => s.Labels!).ToArray();
        return new ExtractedFeatures(new FeatureMatrix(first.Images, first.Features.Columns, data), labels, first.ClassNames);
    }

    /// <summary>Writes merged features as <c>features.npy</c> (and <c>labels.npy</c>) into <paramref name="folder"/>, ready for <c>lumen embed --features</c>.</summary>
    public static IReadOnlyList<string> WriteMerged(string folder, ExtractedFeatures merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var written = new List<string>();
        string features = Path.Combine(folder, "features.npy");
        using (var rows = merged.Features.ToTensor()) NpyFile.Write(features, rows);
        written.Add(features);
        if (merged.Labels is { } labels)
        {
            string path = Path.Combine(folder, "labels.npy");
            using var ids = torch.tensor(labels);
            NpyFile.Write(path, ids);
            written.Add(path);
        }

        return written;
    }
}
