using Lumen.Imaging;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>
/// A contiguous run of a dataset's images as a dataset of its own: image i of the slice is image
/// <see cref="Start"/> + i of the inner dataset. Used for <c>--limit</c> (the first N images) and for shards.
/// </summary>
public sealed class DatasetSlice : IImageDataset, IPreprocessingDataset
{
    private readonly IImageDataset _inner;
    private readonly bool _ownsInner;

    /// <summary>Wraps images <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1 of <paramref name="inner"/>.</summary>
    /// <param name="inner">The dataset.</param>
    /// <param name="start">The first image kept.</param>
    /// <param name="count">How many images to keep.</param>
    /// <param name="ownsInner">Whether disposing this disposes <paramref name="inner"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the dataset.</exception>
    public DatasetSlice(IImageDataset inner, int start, int count, bool ownsInner = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        DatasetRange.Check(inner, start, count);
        _inner = inner;
        _ownsInner = ownsInner;
        Start = start;
        Count = count;
        Labels = inner.Labels is { } labels ? labels.Skip(start).Take(count).ToArray() : null;
    }

    /// <summary>The inner index of the slice's first image.</summary>
    public int Start { get; }

    /// <inheritdoc />
    public string Description => Count == _inner.Count ? _inner.Description
        : Start == 0 ? $"first {Count} of {_inner.Description}"
        : $"images {Start}..{Start + Count - 1} of {_inner.Description}";

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Labels { get; }

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames => _inner.ClassNames;

    /// <inheritdoc />
    public string ItemName(int index) => _inner.ItemName(Start + index);

    /// <inheritdoc />
    public Tensor LoadPixels(int start, int count)
    {
        DatasetRange.Check(this, start, count);
        return _inner.LoadPixels(Start + start, count);
    }

    (Tensor Display, Tensor Input) IPreprocessingDataset.Load(int start, int count, ImagePreprocessing preprocessing)
    {
        DatasetRange.Check(this, start, count);
        if (_inner is IPreprocessingDataset files) return files.Load(Start + start, count, preprocessing);
        using var pixels = _inner.LoadPixels(Start + start, count);
        var display = PixelPipeline.ToDisplayFromUnitRange(pixels, preprocessing, $"Image {ItemName(start)} of {Description}");
        return (display, PixelPipeline.ToInput(display, preprocessing));
    }

    /// <summary>Disposes the inner dataset if this wrapper owns it.</summary>
    public void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
    }
}
