namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>A half-open range [<see cref="Start"/>, <see cref="End"/>) of rows or columns of a feature map.</summary>
/// <param name="Start">The first index.</param>
/// <param name="End">One past the last index; at most <see cref="Start"/> for an empty range.</param>
public readonly record struct Interval(int Start, int End)
{
    /// <summary>The empty range.</summary>
    public static Interval Empty => new(0, 0);

    /// <summary>The number of indices (0 when empty).</summary>
    public int Length => Math.Max(0, End - Start);

    /// <summary>Whether the range holds no index.</summary>
    public bool IsEmpty => End <= Start;

    /// <summary>The smallest range holding both (an empty range is ignored).</summary>
    public Interval Union(Interval other) =>
        IsEmpty ? other : other.IsEmpty ? this : new Interval(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>This range clipped to [0, <paramref name="size"/>); <see cref="Empty"/> when nothing is left.</summary>
    public Interval Clip(int size)
    {
        int start = Math.Max(0, Start), end = Math.Min(size, End);
        return end > start ? new Interval(start, end) : Empty;
    }

    /// <inheritdoc />
    public override string ToString() => $"[{Start}, {End})";
}
