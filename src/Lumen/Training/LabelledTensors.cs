using Lumen.Data;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Training;

/// <summary>
/// A whole labelled dataset in memory as model input [N, C, H, W] and labels [N] (int64), for training and
/// evaluation, where batches are drawn in random order. Fashion-MNIST's 60,000 training images take 188 MB.
/// </summary>
public sealed class LabelledTensors : IDisposable
{
    /// <summary>Takes ownership of <paramref name="inputs"/> and <paramref name="labels"/>.</summary>
    public LabelledTensors(Tensor inputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] != inputs.shape[0])
        {
            throw LumenException.InputData($"{inputs.shape[0]} images but labels of shape [{string.Join(", ", labels.shape)}]; give one label per image.");
        }

        Inputs = inputs.DetachFromDisposeScope();
        Labels = labels.to_type(ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>Model-ready images [N, C, H, W].</summary>
    public Tensor Inputs { get; }

    /// <summary>Class labels [N], int64.</summary>
    public Tensor Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => (int)Inputs.shape[0];

    /// <summary>Reads a labelled dataset through <paramref name="preprocessing"/> into memory.</summary>
    /// <exception cref="LumenException">The dataset has no labels (kind InputData).</exception>
    public static LabelledTensors Load(IImageDataset data, ImagePreprocessing preprocessing, IProgress<DatasetProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = data.Labels ?? throw LumenException.InputData($"{data.Description} has no labels; training and accuracy need labelled images (IDX label files or class sub-folders).");
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var batch in DatasetStream.Batches(data, preprocessing, 1024, progress, cancellation))
        {
            using (batch) parts.Add(batch.Input.clone());
        }

        var inputs = torch.cat(parts, 0);
        return new LabelledTensors(inputs, torch.tensor(labels.ToArray()));
    }

    /// <summary>A new set with the first <paramref name="count"/> images (all of them when there are fewer).</summary>
    public LabelledTensors Take(int count)
    {
        var n = Math.Clamp(count, 0, Count);
        using var scope = torch.NewDisposeScope();
        return new LabelledTensors(Inputs.narrow(0, 0, n).clone(), Labels.narrow(0, 0, n).clone());
    }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
