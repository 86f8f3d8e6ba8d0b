using Lumen.Data;
using Lumen.Imaging;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>The first <c>count</c> images of a dataset, as a dataset.</summary>
public sealed class DatasetPrefix : IImageDataset, IPreprocessingDataset
{
    private readonly IImageDataset _inner;
    private readonly bool _ownsInner;

    /// <summary>Wraps the first <paramref name="count"/> images of <paramref name="inner"/> (all if it has fewer).</summary>
    /// <param name="inner">The dataset.</param>
    /// <param name="count">How many images to keep.</param>
    /// <param name="ownsInner">Whether disposing this disposes <paramref name="inner"/>.</param>
    /// <exception cref="LumenException">A count below 1 (kind Usage).</exception>
    public DatasetPrefix(IImageDataset inner, int count, bool ownsInner = false)
    {
        _ownsInner = ownsInner;
        ArgumentNullException.ThrowIfNull(inner);
        if (count < 1) throw LumenException.Usage($"--limit must be at least 1 (got {count}).");
        _inner = inner;
        Count = Math.Min(count, inner.Count);
        Labels = inner.Labels is { } labels ? labels.Take(Count).ToArray() : null;
    }

    /// <inheritdoc />
    public string Description => Count == _inner.Count ? _inner.Description : $"first {Count} of {_inner.Description}";

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Labels { get; }

    /// <inheritdoc />
    public IReadOnlyList<string>? ClassNames => _inner.ClassNames;

    /// <inheritdoc />
    public string ItemName(int index) => _inner.ItemName(index);

    /// <inheritdoc />
    public Tensor LoadPixels(int start, int count)
    {
        DatasetRange.Check(this, start, count);
        return _inner.LoadPixels(start, count);
    }

    (Tensor Display, Tensor Input) IPreprocessingDataset.Load(int start, int count, ImagePreprocessing preprocessing)
    {
        DatasetRange.Check(this, start, count);
        if (_inner is IPreprocessingDataset files) return files.Load(start, count, preprocessing);
        using var pixels = _inner.LoadPixels(start, count);
        var display = PixelPipeline.ToDisplayFromUnitRange(pixels, preprocessing, $"Image {ItemName(start)} of {Description}");
        return (display, PixelPipeline.ToInput(display, preprocessing));
    }

    /// <summary>Disposes the inner dataset if this wrapper owns it.</summary>
    public void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
    }
}
