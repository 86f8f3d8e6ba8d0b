using Lumen.Imaging;

namespace Lumen.Understanding;

/// <summary>What <see cref="DatasetTopK"/> found: per unit the top and bottom K, and small pictures of those images.</summary>
public sealed class TopKResult
{
    internal TopKResult(int k, int imageCount, IReadOnlyList<UnitRanking> rankings, IReadOnlyDictionary<int, RgbImage> thumbnails)
    {
        K = k;
        ImageCount = imageCount;
        Rankings = rankings;
        Thumbnails = thumbnails;
    }

    /// <summary>Examples kept at each end.</summary>
    public int K { get; }

    /// <summary>Images in the pass.</summary>
    public int ImageCount { get; }

    /// <summary>One ranking per unit, in the order the units were given.</summary>
    public IReadOnlyList<UnitRanking> Rankings { get; }

    /// <summary>The preprocessed image (display form, at most <see cref="DatasetTopK.ThumbnailSide"/> pixels a side) of every ranked example, by index.</summary>
    public IReadOnlyDictionary<int, RgbImage> Thumbnails { get; }

    /// <summary>The same result with every index moved by <paramref name="offset"/> (a shard's indices made dataset-wide).</summary>
    public TopKResult WithOffset(int offset, int imageCount)
    {
        static IReadOnlyList<RankedExample> Move(IReadOnlyList<RankedExample> examples, int by) =>
            examples.Select(e => e with { Index = e.Index + by }).ToList();
        var rankings = Rankings.Select(r => r with { Top = Move(r.Top, offset), Bottom = Move(r.Bottom, offset) }).ToList();
        return new TopKResult(K, imageCount, rankings, Thumbnails.ToDictionary(pair => pair.Key + offset, pair => pair.Value));
    }
}
