using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>Streams a dataset through a model's preprocessing in batches, lazily, with progress and cancellation.</summary>
public static class DatasetStream
{
    /// <summary>The default number of images per batch.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>
    /// Yields the dataset in order as batches of at most <paramref name="batchSize"/> images, preprocessed for the
    /// model. Only one batch is read at a time; each batch owns its tensors and must be disposed by the caller.
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="preprocessing">The model's preprocessing (colour mode, resize, crop, scale, mean, std).</param>
    /// <param name="batchSize">Images per batch, at least 1.</param>
    /// <param name="progress">Told after each batch how many images are done.</param>
    /// <param name="cancellation">Checked before each batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="LumenException">The batch size is not positive (kind Usage) or an image cannot be read (kind InputData).</exception>
    public static IEnumerable<DatasetBatch> Batches(IImageDataset data, ImagePreprocessing preprocessing, int batchSize = DefaultBatchSize,
        IProgress<DatasetProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (batchSize < 1)
        {
            throw LumenException.Usage($"The batch size must be at least 1 (got {batchSize}).");
        }

        preprocessing.Validate();
        return Enumerate(data, preprocessing, batchSize, progress, cancellation);
    }

    private static IEnumerable<DatasetBatch> Enumerate(IImageDataset data, ImagePreprocessing preprocessing, int batchSize,
        IProgress<DatasetProgress>? progress, CancellationToken cancellation)
    {
        for (var start = 0; start < data.Count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, data.Count - start);
            var batch = Read(data, preprocessing, start, count);
            yield return batch;
            progress?.Report(new DatasetProgress(start + count, data.Count));
        }
    }

    /// <summary>Reads and preprocesses one slice; the tensors are detached from any dispose scope (the batch owns them).</summary>
    private static DatasetBatch Read(IImageDataset data, ImagePreprocessing preprocessing, int start, int count)
    {
        using var scope = torch.NewDisposeScope();
        Tensor display, input;
        if (data is IPreprocessingDataset files)
        {
            (display, input) = files.Load(start, count, preprocessing);
        }
        else
        {
            var pixels = data.LoadPixels(start, count);
            display = PixelPipeline.ToDisplayFromUnitRange(pixels, preprocessing, $"Image {data.ItemName(start)} of {data.Description}");
            input = PixelPipeline.ToInput(display, preprocessing);
        }

        var labels = data.Labels is { } all ? Enumerable.Range(start, count).Select(i => all[i]).ToArray() : null;
        return new DatasetBatch(start, input.DetachFromDisposeScope(), display.DetachFromDisposeScope(), labels);
    }
}
