using System.Text.Json;
using System.Text.Json.Nodes;
using Lumen.Data;
using Lumen.Imaging;

namespace Lumen.Understanding;

/// <summary>
/// The file <c>lumen top-k --shard I/N</c> writes: the shard's top and bottom K per unit with dataset-wide indices,
/// the name and label of each ranked example, and its thumbnail (raw RGB, base64), i.e. everything
/// <see cref="TopKMerge"/> needs to write the files an unsharded run writes, without the dataset or the model.
/// </summary>
public static class TopKShardFile
{
    /// <summary>The value of the file's <c>kind</c> field.</summary>
    public const string Kind = "lumen-top-k-shard";

    /// <summary>The file name of shard <paramref name="shard"/>: <c>topk.shard-I-of-N.json</c>.</summary>
    public static string FileName(DatasetShard shard) => $"topk.shard-{shard.Index}-of-{shard.Count}.json";

    /// <summary>Writes shard <paramref name="shard"/>'s result (indices already dataset-wide) atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="result">The shard's result, after <see cref="TopKResult.WithOffset"/>.</param>
    /// <param name="shard">Which shard.</param>
    /// <param name="model">The model's name.</param>
    /// <param name="data">The whole dataset.</param>
    /// <param name="modelClassNames">The model's class names, kept when a unit is a class (so the merge can name it); or null.</param>
    public static void Write(string path, TopKResult result, DatasetShard shard, string model, IImageDataset data, IReadOnlyList<string>? modelClassNames = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(data);
        var units = new JsonArray();
        foreach (var ranking in result.Rankings)
        {
            units.Add(new JsonObject
            {
                ["kind"] = ranking.Unit.Kind.ToString(),
                ["layer"] = ranking.Unit.Layer,
                ["index"] = ranking.Unit.Index,
                ["row"] = ranking.Unit.Row,
                ["column"] = ranking.Unit.Column,
                ["top"] = Examples(ranking.Top),
                ["bottom"] = Examples(ranking.Bottom),
            });
        }

        var examples = new JsonObject();
        foreach (int index in result.Rankings.SelectMany(r => r.Top.Concat(r.Bottom)).Select(e => e.Index).Distinct().Order())
        {
            var entry = new JsonObject { ["name"] = data.ItemName(index), ["label"] = data.Labels?[index] };
            if (result.Thumbnails.TryGetValue(index, out var picture))
            {
                entry["width"] = picture.Width;
                entry["height"] = picture.Height;
                entry["rgb"] = Convert.ToBase64String(picture.Pixels);
            }
            examples[index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = entry;
        }

        var root = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["model"] = model,
            ["data"] = data.Description,
            ["images"] = data.Count,
            ["shard"] = shard.ToString(),
            ["k"] = result.K,
            ["classNames"] = data.ClassNames is { } names ? new JsonArray([.. names.Select(n => (JsonNode?)n)]) : null,
            ["modelClassNames"] = modelClassNames is not null && result.Rankings.Any(r => r.Unit.IsClass)
                ? new JsonArray([.. modelClassNames.Select(n => (JsonNode?)n)])
                : null,
            ["units"] = units,
            ["examples"] = examples,
        };
        AtomicFile.WriteText(path, root.ToJsonString());
    }

    /// <summary>Reads a shard file.</summary>
    /// <exception cref="LumenException">The file is missing or is not a top-K shard file (kind InputData).</exception>
    public static TopKShardContents Read(string path)
    {
        return ShardManifest.Read(path, Kind, "top-K shard file", (root, folder) =>
        {
            int k = (int)root["k"]!;
            var units = root["units"]!.AsArray().Select(node => new UnitRanking(
                new Unit(Enum.Parse<UnitKind>((string)node!["kind"]!), (string?)node["layer"], (int)node["index"]!, (int?)node["row"], (int?)node["column"]),
                ReadExamples(node["top"]!), ReadExamples(node["bottom"]!))).ToList();
            var examples = new Dictionary<int, (string, long?)>();
            var thumbnails = new Dictionary<int, RgbImage>();
            foreach (var (key, value) in root["examples"]!.AsObject())
            {
                int index = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
                examples[index] = ((string)value!["name"]!, (long?)value["label"]);
                if (value["rgb"] is { } rgb)
                {
                    int width = (int)value["width"]!, height = (int)value["height"]!;
                    byte[] pixels = Convert.FromBase64String((string)rgb!);
                    if (width <= 0 || height <= 0 || pixels.Length != (long)width * height * 3) throw new FormatException($"the picture of example {index} has the wrong size");
                    thumbnails[index] = new RgbImage(width, height, pixels);
                }
            }

            int images = (int)root["images"]!;
            var classNames = root["classNames"] is JsonArray names ? names.Select(n => (string)n!).ToList() : null;
            var modelClassNames = root["modelClassNames"] is JsonArray modelNames ? modelNames.Select(n => (string)n!).ToList() : null;
            var result = new TopKResult(k, images, units, thumbnails);
            return new TopKShardContents((string)root["model"]!, result, DatasetShard.Parse((string)root["shard"]!), (string)root["data"]!, images, examples, classNames, modelClassNames);
        });
    }

    private static JsonArray Examples(IReadOnlyList<RankedExample> examples) =>
        new([.. examples.Select(e => (JsonNode?)new JsonObject { ["index"] = e.Index, ["score"] = e.Score })]);

    private static List<RankedExample> ReadExamples(JsonNode node) =>
        node.AsArray().Select(e => new RankedExample((int)e!["index"]!, (float)e["score"]!)).ToList();
}
