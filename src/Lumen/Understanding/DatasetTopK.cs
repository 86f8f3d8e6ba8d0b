using Lumen.Data;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// Dataset examples that maximally (and minimally) activate units: streams a dataset through the model once, in
/// batches, scores every image for every unit (<see cref="UnitEvaluator.All"/>) and keeps the K best and K worst
/// per unit in a <see cref="TopKCollector"/>. Memory is bounded by one batch plus 2·K entries and thumbnails per
/// unit, whatever the dataset's size.
/// </summary>
public static class DatasetTopK
{
    /// <summary>The longest side of a kept thumbnail; larger display images are scaled down.</summary>
    public const int ThumbnailSide = 112;

    /// <summary>Ranks the dataset's images for each unit.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The dataset, streamed in its own order (indices refer to it).</param>
    /// <param name="units">The units (see <see cref="UnitSelection"/>).</param>
    /// <param name="k">Examples kept at each end per unit.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="thumbnails">Whether to keep pictures of the ranked images (for a montage).</param>
    /// <param name="progress">Told after each batch.</param>
    /// <param name="cancellation">Checked before each batch.</param>
    public static TopKResult Run(ExplainableModel model, IImageDataset data, IReadOnlyList<Unit> units, int k,
        int batchSize = DatasetStream.DefaultBatchSize, bool thumbnails = true,
        IProgress<DatasetProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(units);
        if (data.Count == 0) throw LumenException.InputData($"{data.Description} holds no images");
        var collector = new TopKCollector(units.Count, k);
        var kept = new Dictionary<int, RgbImage>();
        using var capture = model.Capture(UnitEvaluator.LayersOf(units));
        foreach (var batch in DatasetStream.Batches(data, model.Preprocessing, batchSize, progress, cancellation))
        {
            using (batch)
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var logits = model.Forward(batch.Input.to(model.Device.Torch));
                var scores = UnitEvaluator.All(units, logits, capture).contiguous().cpu();
                collector.Add(batch.Start, scores.data<float>().ToArray(), batch.Count);
                if (thumbnails) KeepThumbnails(batch, collector, kept);
            }
        }
        var rankings = units.Select((unit, u) => new UnitRanking(unit, collector.Top(u), collector.Bottom(u))).ToList();
        return new TopKResult(k, data.Count, rankings, kept);
    }

    /// <summary>Stores pictures of this batch's images that entered a heap, and drops those of images that left them.</summary>
    private static void KeepThumbnails(DatasetBatch batch, TopKCollector collector, Dictionary<int, RgbImage> kept)
    {
        foreach (int index in kept.Keys.Where(index => !collector.Holds(index)).ToList()) kept.Remove(index);
        var entering = Enumerable.Range(batch.Start, batch.Count).Where(collector.Holds).ToList();
        if (entering.Count == 0) return;
        Tensor display = batch.Display;
        long side = Math.Max(display.shape[2], display.shape[3]);
        foreach (int index in entering)
        {
            var image = display[index - batch.Start].unsqueeze(0);
            if (side > ThumbnailSide)
            {
                double factor = (double)ThumbnailSide / side;
                long[] size = { Math.Max(1, (long)Math.Round(display.shape[2] * factor)), Math.Max(1, (long)Math.Round(display.shape[3] * factor)) };
                image = nn.functional.interpolate(image, size, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
            }
            kept[index] = RgbImage.FromTensor(image[0]);
        }
    }
}
