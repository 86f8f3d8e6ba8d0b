using System.CommandLine;
using System.Text.Json.Nodes;
using Lumen.Embedding;
using Lumen.Evaluation;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen merge</c>: combines the shard files of a sharded run (<c>--shard I/N</c>) into the outputs of one
/// unsharded run: top-K shard files → <c>topk.json</c>, <c>topk.csv</c>, <c>topk.png</c>; feature shard manifests →
/// <c>features.npy</c> and <c>labels.npy</c> for <c>lumen embed --features</c>; explain shard manifests → every
/// image's maps and pictures in one folder; SpRAy shards → <c>clusters.json</c> and <c>prototypes.png</c>.
/// </summary>
public static class MergeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("merge", "Combine the shard files of a sharded run (top-k, embed, explain --data or spray with --shard I/N) into the files one unsharded run writes.");
        var files = new Argument<string[]>("files") { Description = "every shard file of the run (topk.shard-*-of-N.json, features.shard-*-of-N.json, explain.shard-*-of-N.json or spray.shard-*-of-N.json)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        command.Add(files);
        command.Add(output);
        command.SetAction(parsed =>
        {
            var paths = parsed.GetRequiredValue(files);
            string folder = parsed.GetRequiredValue(output);
            var kinds = paths.Select(KindOf).Distinct().ToList();
            if (kinds.Count > 1) throw LumenException.Usage($"the files are shards of different kinds ({string.Join(", ", kinds)}); merge one run at a time");
            if (kinds[0] == FeatureShardFile.Kind)
            {
                var merged = FeatureShardFile.Merge(paths.Select(FeatureShardFile.Read).ToList());
                OutputFolder.Prepare(folder);
                var written = FeatureShardFile.WriteMerged(folder, merged);
                console.Out.WriteLine($"wrote {string.Join(" and ", written)} ({merged.Features.Rows} x {merged.Features.Columns}); embed them with 'lumen embed --features'");
                return LumenCli.Success;
            }

            if (kinds[0] == SprayShardFile.Kind)
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var (relevance, inputs, displays, indices, run) = SprayShardFile.Merge(paths.Select(SprayShardFile.Read).ToList());
                using var clusters = Spray.Cluster(relevance, inputs, run.Options);
                SprayOutputs.Write(folder, clusters, displays, indices, run, console);
                return LumenCli.Success;
            }

            if (kinds[0] == ExplainShardFile.Kind)
            {
                var shards = paths.Select(ExplainShardFile.Read).ToList();
                int files = ExplainShardFile.Merge(shards, folder);
                console.Out.WriteLine($"merged {shards.Count} shards: {shards[0].Images} images x {shards[0].Methods.Count} method(s), {files} files in {folder}");
                return LumenCli.Success;
            }

            var (result, examples, model, classNames) = TopKMerge.Merge(paths.Select(TopKShardFile.Read).ToList());
            TopKOutputs.Write(folder, result, model, examples, console, classNames);
            return LumenCli.Success;
        });
        return command;
    }

    /// <summary>The <c>kind</c> field of a shard file.</summary>
    private static string KindOf(string path)
    {
        if (!File.Exists(path)) throw LumenException.InputData($"shard file '{path}' does not exist");
        try
        {
            string? kind = (string?)JsonNode.Parse(File.ReadAllText(path))?["kind"];
            if (kind is TopKShardFile.Kind or FeatureShardFile.Kind or ExplainShardFile.Kind or SprayShardFile.Kind) return kind;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw LumenException.InputData($"'{path}' is not a shard file: {e.Message.Split('\n')[0]}");
        }

        throw LumenException.InputData($"'{path}' is not a shard file of lumen top-k, embed, explain or spray (its kind field is missing or unknown)");
    }
}
