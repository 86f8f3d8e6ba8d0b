using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>
/// A fixed, ordered collection of images (and optionally their labels) that can be read in slices, so a whole
/// dataset can be streamed through a model with memory bounded by one batch.
/// </summary>
public interface IImageDataset : IDisposable
{
    /// <summary>What the dataset is, for progress lines and reports, e.g. "Fashion-MNIST test split (10000 images)".</summary>
    string Description { get; }

    /// <summary>The number of images.</summary>
    int Count { get; }

    /// <summary>The class label of each image, in dataset order, or null when the dataset has no labels.</summary>
    IReadOnlyList<long>? Labels { get; }

    /// <summary>The names of the label ids when known (folder names, Fashion-MNIST's classes), else null.</summary>
    IReadOnlyList<string>? ClassNames { get; }

    /// <summary>A short name of image <paramref name="index"/>: its file name, or <c>#index</c>.</summary>
    string ItemName(int index);

    /// <summary>
    /// Reads images <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1 as float32
    /// [count, C, H, W] with values in [0, 1] at their stored size (C = 1 or 3). The caller owns the tensor.
    /// </summary>
    /// <exception cref="LumenException">An image cannot be read, or images of the slice differ in size (kind InputData).</exception>
    Tensor LoadPixels(int start, int count);
}
