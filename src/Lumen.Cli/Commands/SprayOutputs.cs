using Lumen.Evaluation;
using Lumen.IO;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>What a SpRAy run analyses: model, data, class, method and settings (compared when shards are merged).</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Data">The dataset's description.</param>
/// <param name="ClassIndex">The analysed class.</param>
/// <param name="ClassLabel">The class's name.</param>
/// <param name="Method">The attribution method.</param>
/// <param name="Options">Pooling, graph and clustering settings.</param>
public sealed record SprayRun(string Model, string Data, int ClassIndex, string ClassLabel, string Method, SprayOptions Options);

/// <summary>Writes <c>clusters.json</c> and <c>prototypes.png</c> of a SpRAy run, sharded or not.</summary>
public static class SprayOutputs
{
    /// <summary>Refuses too few images for the clustering.</summary>
    /// <exception cref="LumenException">Fewer than 3 images (kind InputData), or not more images than neighbours (kind Usage).</exception>
    public static void CheckEnough(int images, SprayRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (images < 3)
            throw LumenException.InputData($"{run.Data} has {images} images of class {run.ClassIndex}; SpRAy needs at least 3");
        if (run.Options.Neighbours >= images)
            throw LumenException.Usage($"--neighbours {run.Options.Neighbours}: expected fewer than the {images} images of class {run.ClassIndex}");
    }

    /// <summary>Writes the outputs into <paramref name="folder"/> and prints the summary lines.</summary>
    /// <param name="folder">The output folder (created).</param>
    /// <param name="result">The clustering.</param>
    /// <param name="displays">The pictures of the clustered images [N, 3, H, W] in [0, 1].</param>
    /// <param name="indices">The dataset index of each clustered image.</param>
    /// <param name="run">What was analysed.</param>
    /// <param name="console">Where the summary goes.</param>
    public static void Write(string folder, SprayResult result, Tensor displays, IReadOnlyList<long> indices, SprayRun run, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(console);
        using var scope = NewDisposeScope();
        Tensor labels = torch.tensor(result.Labels.Select(l => (long)l).ToArray());
        Tensor meanDisplay = torch.stack(Enumerable.Range(0, result.Clusters.ClusterCount)
            .Select(c => displays.index_select(0, labels.eq(c).nonzero().view(-1)).mean(new long[] { 0 })).ToList());
        var montage = SprayFiles.Montage(result, meanDisplay);
        using (var staged = StagedOutput.Open(folder))
        {
            SprayFiles.WriteJson(staged.PathFor("clusters.json"), result, indices, run.Model, run.Data, run.ClassIndex, run.Method);
            montage.SavePng(staged.PathFor("prototypes.png"));
            staged.Commit();
        }
        console.Out.WriteLine($"{indices.Count} images of class {run.ClassIndex} ({run.ClassLabel}) in {result.Clusters.ClusterCount} clusters of {string.Join(", ", result.Sizes)} images");
        console.Out.WriteLine($"eigenvalues: {string.Join(" ", result.Clusters.Eigenvalues.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        console.Out.WriteLine($"wrote {Path.Combine(folder, "clusters.json")} and prototypes.png");
    }
}
