using System.CommandLine;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen merge</c>: combines the shard files of a sharded run (<c>--shard I/N</c>) into the outputs one unsharded
/// run writes. Today: top-K shard files → <c>topk.json</c>, <c>topk.csv</c>, <c>topk.png</c>.
/// </summary>
public static class MergeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("merge", "Combine the shard files of a sharded run (top-k --shard I/N) into the files one unsharded run writes.");
        var files = new Argument<string[]>("files") { Description = "every shard file of the run (e.g. out/topk.shard-*-of-4.json)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => "lumen-out" };
        command.Add(files);
        command.Add(output);
        command.SetAction(parsed =>
        {
            var shards = parsed.GetRequiredValue(files).Select(TopKShardFile.Read).ToList();
            var (result, examples, model) = TopKMerge.Merge(shards);
            TopKOutputs.Write(parsed.GetRequiredValue(output), result, model, examples, console);
            return LumenCli.Success;
        });
        return command;
    }
}
