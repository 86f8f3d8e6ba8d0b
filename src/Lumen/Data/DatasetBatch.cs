using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>
/// One slice of a dataset, ready for a model: the preprocessed input and the display images. It owns both tensors
/// (they belong to no dispose scope); dispose the batch when done with it.
/// </summary>
public sealed class DatasetBatch : IDisposable
{
    internal DatasetBatch(int start, Tensor input, Tensor display, IReadOnlyList<long>? labels)
    {
        Start = start;
        Input = input;
        Display = display;
        Labels = labels;
    }

    /// <summary>The dataset index of the batch's first image.</summary>
    public int Start { get; }

    /// <summary>The number of images in the batch.</summary>
    public int Count => (int)Input.shape[0];

    /// <summary>Model-ready input [n, C, H, W], after the model's <see cref="Imaging.ImagePreprocessing"/>.</summary>
    public Tensor Input { get; }

    /// <summary>The same images for drawing: [n, 3, H, W] in [0, 1], after resize and crop, before mean/std.</summary>
    public Tensor Display { get; }

    /// <summary>The labels of the batch's images, or null when the dataset has none.</summary>
    public IReadOnlyList<long>? Labels { get; }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Input.Dispose();
        Display.Dispose();
    }
}
