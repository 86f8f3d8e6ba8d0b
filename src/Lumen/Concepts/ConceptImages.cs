using Lumen.Data;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>
/// Picks the image sets TCAV needs from datasets, model-ready: the images of one label, the first images of a
/// concept folder, and seeded random sets. Datasets are streamed in batches, so memory holds only what is kept.
/// </summary>
public static class ConceptImages
{
    /// <summary>The first <paramref name="limit"/> images of <paramref name="data"/> labelled <paramref name="label"/> (any label when null), model-ready [n, C, H, W].</summary>
    public static Tensor Labelled(IImageDataset data, ImagePreprocessing preprocessing, long? label, int limit, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (label is not null && data.Labels is null)
            throw LumenException.Usage($"{data.Description} has no labels, so its images of label {label} cannot be chosen");
        if (limit < 1) throw LumenException.Usage($"{limit} images: expected at least 1");
        return Select(data, preprocessing, batchSize, (index, imageLabel) => label is null || imageLabel == label, limit);
    }

    /// <summary>
    /// <paramref name="sets"/> disjoint sets of <paramref name="size"/> images drawn at random (seeded) from
    /// <paramref name="data"/>, each model-ready [size, C, H, W] (the caller disposes them).
    /// </summary>
    public static List<Tensor> RandomSets(IImageDataset data, ImagePreprocessing preprocessing, int sets, int size, int seed, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (sets < 1 || size < 1) throw LumenException.Usage($"{sets} random sets of {size} images: expected at least one set of one image");
        long needed = (long)sets * size;
        if (needed > data.Count)
            throw LumenException.Usage($"{sets} random sets of {size} images need {needed} images, and {data.Description} has {data.Count}: lower --random-sets or --set-size");
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        var setOf = new Dictionary<int, int>();
        for (int i = 0; i < needed; i++) setOf[order[i]] = i / size;
        using var scope = NewDisposeScope();
        Tensor chosen = Select(data, preprocessing, batchSize, (index, _) => setOf.ContainsKey(index), (int)needed);
        var indices = Enumerable.Range(0, data.Count).Where(setOf.ContainsKey).ToList(); // dataset order, as selected
        var result = new List<Tensor>();
        for (int set = 0; set < sets; set++)
        {
            using var rows = torch.tensor(indices.Select((index, row) => (index, row)).Where(p => setOf[p.index] == set).Select(p => (long)p.row).ToArray());
            result.Add(chosen.index_select(0, rows).MoveToOuterDisposeScope());
        }
        return result;
    }

    private static Tensor Select(IImageDataset data, ImagePreprocessing preprocessing, int batchSize, Func<int, long?, bool> keep, int limit)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        int kept = 0;
        foreach (var batch in DatasetStream.Batches(data, preprocessing, batchSize))
        {
            using (batch)
            {
                var rows = Enumerable.Range(0, batch.Count).Where(i => keep(batch.Start + i, batch.Labels?[i])).Take(limit - kept).ToList();
                if (rows.Count > 0)
                {
                    using var index = torch.tensor(rows.Select(i => (long)i).ToArray());
                    parts.Add(batch.Input.index_select(0, index));
                    kept += rows.Count;
                }
            }
            if (kept >= limit) break;
        }
        if (parts.Count == 0) throw LumenException.Usage($"no image of {data.Description} matched");
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }
}
