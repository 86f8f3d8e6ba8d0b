using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Spectral relevance analysis, SpRAy (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors"): explain one class
/// on many images, average-pool each relevance map to <see cref="SprayOptions.Size"/>², scale each to a maximum
/// absolute value of 1, and cluster the maps spectrally (<see cref="SpectralClustering"/>, eigengap for the number of
/// clusters). A small, tight cluster whose prototype puts its relevance somewhere unexpected (a tag, a border) is a
/// strategy the model uses for the class, e.g. a shortcut.
/// </summary>
public static class Spray
{
    /// <summary>Runs SpRAy on <paramref name="images"/> [N, C, H, W] (model-ready) for class <paramref name="classIndex"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="images">The images, usually all images of the class.</param>
    /// <param name="classIndex">The explained class.</param>
    /// <param name="method">The attribution method (SpRAy's default is LRP).</param>
    /// <param name="options">Pooling, graph and clustering settings.</param>
    /// <param name="progress">Receives (images explained, total) after every batch, or null.</param>
    public static SprayResult Run(ExplainableModel model, Tensor images, int classIndex, IAttributionMethod method, SprayOptions options, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var scope = NewDisposeScope();
        Tensor relevance = Relevance(model, images, classIndex, method, options.BatchSize, progress);
        return Cluster(relevance, images, options);
    }

    /// <summary>
    /// The first half of SpRAy: the pixel relevance [N, H, W] of class <paramref name="classIndex"/> on every image,
    /// explained in batches of <paramref name="batchSize"/> (a sharded run computes this per shard).
    /// </summary>
    public static Tensor Relevance(ExplainableModel model, Tensor images, int classIndex, IAttributionMethod method, int batchSize, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(method);
        model.ValidateInput(images);
        if (batchSize < 1) throw LumenException.Usage($"--batch-size {batchSize}: expected a positive number of images");
        long count = images.shape[0], height = images.shape[2], width = images.shape[3];
        using var scope = NewDisposeScope();
        var maps = new List<Tensor>();
        Target target = Target.Class(classIndex);
        for (long start = 0; start < count; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            Tensor batch = images.narrow(0, start, Math.Min(batchSize, count - start));
            var attributions = MethodRunner.RunAll(new[] { method }, batch, target,
                Enumerable.Range((int)start, (int)batch.shape[0]).Select(i => $"#{i}").ToList());
            using var attribution = attributions[0];
            maps.Add(PixelRelevance.Of(attribution, height, width).MoveToOuterDisposeScope());
            progress?.Invoke(start + batch.shape[0], count);
        }

        return torch.cat(maps, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The second half of SpRAy: clusters the relevance maps [N, H, W] and forms each cluster's prototypes from them
    /// and from <paramref name="images"/> [N, C, H, W].
    /// </summary>
    public static SprayResult Cluster(Tensor relevance, Tensor images, SprayOptions options)
    {
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var scope = NewDisposeScope();
        Tensor features = Features(relevance, options.Size);
        var clusters = SpectralClustering.Cluster(features, options.Neighbours, options.Clusters, options.MaxClusters, options.Seed);
        Tensor labels = torch.tensor(clusters.Labels.Select(l => (long)l).ToArray(), device: relevance.device);
        var meanImages = new List<Tensor>();
        var meanRelevance = new List<Tensor>();
        for (int c = 0; c < clusters.ClusterCount; c++)
        {
            Tensor members = labels.eq(c).nonzero().view(-1);
            meanImages.Add(images.index_select(0, members.to(images.device)).mean(new long[] { 0 }));
            meanRelevance.Add(relevance.index_select(0, members).mean(new long[] { 0 }));
        }
        return new SprayResult(clusters, torch.stack(meanImages), torch.stack(meanRelevance));
    }

    /// <summary>The clustered features: maps [N, H, W] average-pooled to size x size, each divided by its largest |value|, flattened.</summary>
    public static Tensor Features(Tensor relevance, int size)
    {
        ArgumentNullException.ThrowIfNull(relevance);
        using var scope = NewDisposeScope();
        Tensor pooled = nn.functional.adaptive_avg_pool2d(relevance.to_type(ScalarType.Float64).unsqueeze(1), new long[] { size, size }).flatten(1);
        Tensor scale = pooled.abs().max(1, keepdim: true).values.clamp_min(1e-12);
        return (pooled / scale).MoveToOuterDisposeScope();
    }
}
