using System.Runtime.InteropServices;
using Lumen.Data;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>The features of a dataset at one layer, one row per image, and the images' labels when known.</summary>
/// <param name="Features">[N, D] float32.</param>
/// <param name="Labels">One label per image, or null.</param>
/// <param name="ClassNames">Names of the label ids, or null.</param>
public sealed record ExtractedFeatures(FeatureMatrix Features, long[]? Labels, IReadOnlyList<string>? ClassNames);

/// <summary>
/// Runs a dataset through a model in batches (no gradients) and keeps one layer's output per image. Memory is one
/// batch of activations plus the [N, D] result.
/// </summary>
public static class FeatureExtraction
{
    /// <summary>Extracts the features of <paramref name="layer"/> (null: the model's output, the logits).</summary>
    /// <exception cref="LumenException">Unknown layer (Usage), unreadable images (InputData), a layer that does not run (Model).</exception>
    public static ExtractedFeatures Extract(ExplainableModel model, IImageDataset data, string? layer, FeaturePooling pooling,
        int batchSize = DatasetStream.DefaultBatchSize, IProgress<DatasetProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count < 1) throw LumenException.InputData($"The dataset '{data.Description}' holds no images.");
        using var noGrad = no_grad();
        using var capture = layer is null ? null : model.Capture(layer);
        float[]? values = null;
        int width = 0;
        foreach (var batch in DatasetStream.Batches(data, model.Preprocessing, batchSize, progress, cancellation))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var logits = model.Forward(batch.Input.to(model.Device.Torch));
                var output = capture is null ? logits : capture[layer!];
                var rows = pooling == FeaturePooling.Mean && output.dim() > 2
                    ? output.mean(Enumerable.Range(2, (int)output.dim() - 2).Select(d => (long)d).ToArray())
                    : output.flatten(1);
                rows = rows.to(ScalarType.Float32).cpu().contiguous();
                if (values is null)
                {
                    width = (int)rows.shape[1];
                    long total = (long)data.Count * width;
                    if (total > Array.MaxLength)
                    {
                        throw LumenException.Usage($"{data.Count} images x {width} features of layer '{layer}' do not fit in memory; use --pool mean or an earlier/smaller layer.");
                    }

                    values = new float[total];
                }

                rows.bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan(batch.Start * width, batch.Count * width)));
            }
        }

        var features = new FeatureMatrix(data.Count, width, values!);
        foreach (var v in features.Data)
        {
            if (!float.IsFinite(v)) throw LumenException.Model($"Layer '{layer ?? "output"}' produced NaN or infinite values; check the weights.");
        }

        return new ExtractedFeatures(features, data.Labels?.ToArray(), data.ClassNames);
    }
}
