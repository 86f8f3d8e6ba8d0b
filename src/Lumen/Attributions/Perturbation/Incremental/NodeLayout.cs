namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// Where one local node's output changes for each window position, and the region incremental evaluation recomputes:
/// one fixed size (<see cref="RegionHeight"/> x <see cref="RegionWidth"/>, the largest changed region) for every
/// position, placed at (<see cref="Top"/>[p], <see cref="Left"/>[p]) so that it holds position p's changed region and
/// stays inside the map. A fixed size lets the copies of a chunk form one tensor.
/// </summary>
public sealed class NodeLayout
{
    /// <summary>Creates the layout of a map of <paramref name="height"/> x <paramref name="width"/> from the changed regions.</summary>
    public NodeLayout(int height, int width, Interval[] changedRows, Interval[] changedColumns)
    {
        if (height <= 0 || width <= 0)
            throw LumenException.Usage($"the input is too small for the model: a feature map would be {height}x{width}");
        Height = height;
        Width = width;
        ChangedRows = changedRows;
        ChangedColumns = changedColumns;
        RegionHeight = Math.Max(1, changedRows.Max(r => r.Length));
        RegionWidth = Math.Max(1, changedColumns.Max(c => c.Length));
        Top = changedRows.Select(r => Math.Min(r.IsEmpty ? 0 : r.Start, height - RegionHeight)).ToArray();
        Left = changedColumns.Select(c => Math.Min(c.IsEmpty ? 0 : c.Start, width - RegionWidth)).ToArray();
    }

    /// <summary>The map's height.</summary>
    public int Height { get; }

    /// <summary>The map's width.</summary>
    public int Width { get; }

    /// <summary>The rows that change, per window position.</summary>
    public Interval[] ChangedRows { get; }

    /// <summary>The columns that change, per window position.</summary>
    public Interval[] ChangedColumns { get; }

    /// <summary>The height of the recomputed region.</summary>
    public int RegionHeight { get; }

    /// <summary>The width of the recomputed region.</summary>
    public int RegionWidth { get; }

    /// <summary>The first row of the recomputed region, per window position.</summary>
    public int[] Top { get; }

    /// <summary>The first column of the recomputed region, per window position.</summary>
    public int[] Left { get; }

    /// <summary>Whether the recomputed region is the whole map (nothing is saved by recomputing a region).</summary>
    public bool IsWhole => RegionHeight == Height && RegionWidth == Width;

    /// <summary>Whether <paramref name="other"/> recomputes the same region at every position.</summary>
    public bool SameRegions(NodeLayout other) =>
        ReferenceEquals(this, other) || (Height == other.Height && Width == other.Width && RegionHeight == other.RegionHeight
            && RegionWidth == other.RegionWidth && Top.AsSpan().SequenceEqual(other.Top) && Left.AsSpan().SequenceEqual(other.Left));
}
