using System.Globalization;
using System.Text.Json.Nodes;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;

namespace Lumen.Cli.Commands;

/// <summary>One shard of <c>lumen explain --data … --shard I/N</c>: where its per-image files are and what they hold.</summary>
/// <param name="Shard">Which shard.</param>
/// <param name="Folder">The folder of the shard's files (the manifest's folder).</param>
/// <param name="Data">The dataset's description.</param>
/// <param name="Images">The whole dataset's image count.</param>
/// <param name="Methods">The methods, in order.</param>
public sealed record ExplainShard(DatasetShard Shard, string Folder, string Data, int Images, IReadOnlyList<string> Methods);

/// <summary>
/// The manifest <c>explain.shard-I-of-N.json</c> that a sharded <c>lumen explain --data</c> run writes last, and the
/// merge that gathers every shard's <c>NNNNN.METHOD.png</c> and <c>.npy</c> files into one folder, the folder one
/// unsharded run writes.
/// </summary>
public static class ExplainShardFile
{
    /// <summary>The manifest's <c>kind</c> field.</summary>
    public const string Kind = "lumen-explain-shard";

    /// <summary>The stem of image <paramref name="index"/>'s files in a dataset of <paramref name="images"/> images: at least 5 digits.</summary>
    public static string Stem(int index, int images)
    {
        int digits = Math.Max(5, images.ToString(CultureInfo.InvariantCulture).Length);
        return index.ToString(new string('0', digits), CultureInfo.InvariantCulture);
    }

    /// <summary>The files of image <paramref name="index"/> for each method, file names only.</summary>
    public static IEnumerable<string> FilesOf(int index, int images, IEnumerable<string> methods) =>
        methods.SelectMany(m => new[] { $"{Stem(index, images)}.{m}.png", $"{Stem(index, images)}.{m}.npy" });

    /// <summary>Writes the manifest of a finished shard into <paramref name="folder"/>; returns its path.</summary>
    public static string Write(string folder, ExplainShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var manifest = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["shard"] = shard.Shard.ToString(),
            ["data"] = shard.Data,
            ["images"] = shard.Images,
            ["methods"] = new JsonArray([.. shard.Methods.Select(m => (JsonNode?)m)]),
        };
        string path = Path.Combine(folder, $"explain.shard-{shard.Shard.Index}-of-{shard.Shard.Count}.json");
        AtomicFile.WriteText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="LumenException">A missing or malformed manifest (kind InputData).</exception>
    public static ExplainShard Read(string path)
    {
        return ShardManifest.Read(path, Kind, "explain shard file", (root, folder) =>
        {
            var methods = root["methods"]!.AsArray().Select(m => (string)m!).ToList();
            if (methods.Count == 0 || methods.Any(m => m != Path.GetFileName(m) || m.Length == 0)) throw new FormatException("its method list is empty or not plain names");
            int images = (int)root["images"]!;
            if (images < 1) throw new FormatException($"it counts {images} images");
            return new ExplainShard(DatasetShard.Parse((string)root["shard"]!), folder,
                (string)root["data"]!, images, methods);
        });
    }

    /// <summary>
    /// Checks that <paramref name="shards"/> are all N shards of one run with every file in place, then copies each
    /// shard's files into <paramref name="folder"/> (files already there, as when every shard wrote to one shared
    /// folder, are left as they are). Returns the number of files in the merged folder.
    /// </summary>
    /// <exception cref="LumenException">Shards of different runs, missing or repeated shards, or a missing file (kind InputData).</exception>
    public static int Merge(IReadOnlyList<ExplainShard> shards, string folder)
    {
        ArgumentNullException.ThrowIfNull(shards);
        DatasetShard.CheckComplete([.. shards.Select(s => s.Shard)]);
        var first = shards[0];
        if (shards.Any(s => s.Images != first.Images || s.Data != first.Data || !s.Methods.SequenceEqual(first.Methods)))
            throw LumenException.InputData("cannot merge: the shard files come from different runs (dataset, image count or methods differ)");

        var copies = new List<(string From, string To)>();
        foreach (var shard in shards.OrderBy(s => s.Shard.Index))
        {
            int start = shard.Shard.StartIn(shard.Images), count = shard.Shard.CountIn(shard.Images);
            for (int index = start; index < start + count; index++)
            {
                foreach (string name in FilesOf(index, shard.Images, shard.Methods))
                {
                    string from = Path.Combine(shard.Folder, name);
                    if (!File.Exists(from))
                        throw LumenException.InputData($"cannot merge: shard {shard.Shard} lacks {from}; run that shard again with --resume");
                    copies.Add((from, Path.Combine(folder, name)));
                }
            }
        }

        OutputFolder.Prepare(folder);
        foreach (var (from, to) in copies)
        {
            if (Path.GetFullPath(from) == Path.GetFullPath(to)) continue;
            AtomicFile.Write(to, stream =>
            {
                using var source = File.OpenRead(from);
                source.CopyTo(stream);
            });
        }

        return copies.Count;
    }
}
