using System.Globalization;
using Lumen.Attributions;
using Lumen.Data;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen explain --data</c>: explains every image of a dataset batch by batch and writes, per image and method,
/// <c>NNNNN.METHOD.png</c> and <c>NNNNN.METHOD.npy</c> (each file atomically). With <c>--resume</c>, images whose
/// files all exist are skipped, so an interrupted run continues where it stopped without recomputing anything. With a
/// shard (<c>--shard I/N</c>), only that part of the dataset is explained, its files keep their dataset-wide numbers,
/// and a manifest <c>explain.shard-I-of-N.json</c> is written last, for <c>lumen merge</c>.
/// </summary>
public static class ExplainDatasetRunner
{
    /// <summary>Runs the request over <paramref name="data"/>; returns the exit code.</summary>
    public static int Run(ExplainableModel model, ExplainRequest request, IImageDataset data, int batchSize, bool resume, CliConsole console,
        DatasetShard? shard = null)
    {
        if (request.Methods.Count == 0) throw LumenException.Usage("no method given: add --method NAME (see 'lumen methods')");
        if (request.Alpha is < 0 or > 1) throw LumenException.Usage($"--alpha {request.Alpha}: expected a number from 0 to 1");
        if (request.Target.Contains(',', StringComparison.Ordinal)) throw LumenException.Usage("--target with --data takes 'predicted' or one class for every image, not a list");
        var options = new MethodOptions(request.Layer, request.Parameters);
        var methods = request.Methods.Distinct().Select(name => MethodCatalog.Find(name).Build(model, options)).ToList();
        Target target = TargetOption.Parse(request.Target);
        OutputFolder.Prepare(request.OutputFolder);
        // Files are written one image at a time so that --resume can continue; what a killed run left half-way
        // (hidden temporary files, staging folders) goes now.
        if (resume) StagedOutput.RemoveLeftovers(request.OutputFolder);

        int total = data.Count;
        using var part = shard?.Of(data);
        IImageDataset source = part ?? data;
        int offset = part?.Start ?? 0;
        string Stem(int index) => ExplainShardFile.Stem(offset + index, total);
        bool Finished(int index) => methods.All(m =>
            File.Exists(Path.Combine(request.OutputFolder, $"{Stem(index)}.{m.Name}.png")) &&
            File.Exists(Path.Combine(request.OutputFolder, $"{Stem(index)}.{m.Name}.npy")));

        int explained = 0, skipped = 0;
        var progress = new CliProgress(console, "explain");
        try
        {
            foreach (var batch in DatasetStream.Batches(source, model.Preprocessing, batchSize, null, console.Cancellation))
            {
                using (batch)
                using (var scope = torch.NewDisposeScope())
                {
                    var todo = Enumerable.Range(0, batch.Count).Where(i => !resume || !Finished(batch.Start + i)).ToList();
                    skipped += batch.Count - todo.Count;
                    if (todo.Count > 0)
                    {
                        ExplainBatch(model, request, methods, target, batch, todo, Stem);
                        explained += todo.Count;
                    }

                    progress.Report(batch.Start + batch.Count, source.Count, $"{explained} explained, {skipped} already finished");
                }
            }
        }
        catch (OperationCanceledException) when (console.Cancellation.IsCancellationRequested)
        {
            console.Error.WriteLine();
            console.Error.WriteLine($"lumen: interrupted by Ctrl-C; {explained + skipped} images are finished in {request.OutputFolder}; run the same command with --resume to continue");
            return LumenCli.Interrupted;
        }

        if (shard is { } finished)
        {
            string manifest = ExplainShardFile.Write(request.OutputFolder, new ExplainShard(finished, request.OutputFolder, data.Description, total, [.. methods.Select(m => m.Name)]));
            console.Out.WriteLine($"shard {finished}: images {offset} to {offset + source.Count - 1}; manifest {manifest} (combine all shards with 'lumen merge')");
        }

        console.Out.WriteLine($"explained {explained} images of {source.Description} with {string.Join(", ", methods.Select(m => m.Name))}" +
            $"{(skipped > 0 ? $"; {skipped} already finished were skipped" : "")}; files in {request.OutputFolder}");
        return LumenCli.Success;
    }

    private static void ExplainBatch(ExplainableModel model, ExplainRequest request, List<IAttributionMethod> methods, Target target,
        DatasetBatch batch, List<int> todo, Func<int, string> stem)
    {
        using var rows = torch.tensor(todo.Select(i => (long)i).ToArray());
        var input = batch.Input.index_select(0, rows).to(model.Device.Torch);
        var display = batch.Display.index_select(0, rows);
        var names = todo.Select(i => stem(batch.Start + i)).ToList();
        var logits = model.Predict(input);
        FiniteOutputs.Require(logits, model.Name, names);
        target.ResolveClasses(logits);
        var attributions = MethodRunner.RunAll(methods, input, target, names);
        try
        {
            // Every picture of the batch is rendered before the first file is written.
            var pending = new List<(string Path, Action<string> Save)>();
            for (int i = 0; i < todo.Count; i++)
            {
                int index = i;
                foreach (var attribution in attributions)
                {
                    string baseName = Path.Combine(request.OutputFolder, $"{names[i]}.{attribution.Method}");
                    var picture = AttributionRendering.Overlay(attribution, i, display[i], request.Colormap, request.Alpha);
                    pending.Add((baseName + ".npy", path =>
                    {
                        using var single = attribution.Values.narrow(0, index, 1);
                        NpyFile.Write(path, single);
                    }));
                    pending.Add((baseName + ".png", picture.SavePng));
                }
            }

            foreach (var (path, save) in pending) save(path);
        }
        finally
        {
            foreach (var attribution in attributions) attribution.Dispose();
        }
    }
}
