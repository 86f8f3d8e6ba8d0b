namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// An <see cref="IncrementalPlan"/> applied to one image size and one set of occluding windows: the
/// <see cref="NodeLayout"/> of every local node, and <see cref="Switch"/>, the first node that runs on whole maps (the
/// first tail node, or the first node whose recomputed region is the whole map). Nodes before it run on regions.
/// </summary>
public sealed class OcclusionSchedule
{
    /// <summary>Lays out <paramref name="plan"/> for an input of <paramref name="height"/> x <paramref name="width"/> and the given windows.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="height">The input's height.</param>
    /// <param name="width">The input's width.</param>
    /// <param name="windows">The occluded window of each position (clipped to the image).</param>
    public OcclusionSchedule(IncrementalPlan plan, int height, int width, IReadOnlyList<(int Row, int Column, int Height, int Width)> windows)
    {
        if (windows.Count == 0) throw new ArgumentException("at least one window position is needed", nameof(windows));
        Plan = plan;
        Positions = windows.Count;
        var layouts = new NodeLayout?[plan.Nodes.Count];
        layouts[0] = new NodeLayout(height, width,
            windows.Select(w => new Interval(w.Row, w.Row + w.Height).Clip(height)).ToArray(),
            windows.Select(w => new Interval(w.Column, w.Column + w.Width).Clip(width)).ToArray());
        for (int i = 1; i < plan.Nodes.Count; i++)
        {
            var node = plan.Nodes[i];
            if (!node.IsLocal || node.Inputs.Any(j => layouts[j] is null)) continue;
            var input = layouts[node.Inputs[0]]!;
            layouts[i] = node switch
            {
                SlidingWindowNode window => Slide(window, input),
                SumNode => Union(node, layouts[node.Inputs[0]]!, layouts[node.Inputs[1]]!),
                _ => input,
            };
        }
        Layouts = layouts;
        int switchAt = 1;
        while (switchAt < layouts.Length && layouts[switchAt] is { IsWhole: false }) switchAt++;
        Switch = switchAt;
        Materialized = Enumerable.Range(0, Switch)
            .Where(j => Enumerable.Range(Switch, plan.Nodes.Count - Switch).Any(i => plan.Nodes[i].Inputs.Contains(j)))
            .ToArray();
    }

    /// <summary>The plan.</summary>
    public IncrementalPlan Plan { get; }

    /// <summary>The number of window positions.</summary>
    public int Positions { get; }

    /// <summary>The layout of each node (null for tail nodes).</summary>
    public IReadOnlyList<NodeLayout?> Layouts { get; }

    /// <summary>The first node that runs on whole maps; nodes 0 to <see cref="Switch"/> − 1 run on regions (the input always does).</summary>
    public int Switch { get; }

    /// <summary>The nodes before <see cref="Switch"/> whose output a later node reads: they are turned into whole maps.</summary>
    public IReadOnlyList<int> Materialized { get; }

    /// <summary>Multiply-accumulates of one full forward pass (convolutions and linear layers).</summary>
    public long FullMultiplyAccumulates => Count(incremental: false);

    /// <summary>Multiply-accumulates of one occluded copy evaluated incrementally (regions before <see cref="Switch"/>, whole maps after).</summary>
    public long IncrementalMultiplyAccumulates => Count(incremental: true);

    private long Count(bool incremental)
    {
        long total = 0;
        for (int i = 0; i < Plan.Nodes.Count; i++)
        {
            var layout = Layouts[i];
            switch (Plan.Nodes[i])
            {
                case SlidingWindowNode window when layout is not null:
                    long outputs = incremental && i < Switch ? (long)layout.RegionHeight * layout.RegionWidth : (long)layout.Height * layout.Width;
                    total += window.MultiplyAccumulatesPerOutput * outputs;
                    break;
                case TailNode tail:
                    total += tail.MultiplyAccumulates;
                    break;
            }
        }
        return total;
    }

    private NodeLayout Slide(SlidingWindowNode node, NodeLayout input)
    {
        int height = node.Rows.OutputSize(input.Height), width = node.Columns.OutputSize(input.Width);
        if (height <= 0 || width <= 0)
            throw LumenException.Usage($"the input is too small for {Plan.ModelName}: {node.Name} would give a {height}x{width} map");
        return new NodeLayout(height, width,
            input.ChangedRows.Select(r => node.Rows.Changed(r, height)).ToArray(),
            input.ChangedColumns.Select(c => node.Columns.Changed(c, width)).ToArray());
    }

    private static NodeLayout Union(PlanNode node, NodeLayout a, NodeLayout b)
    {
        if (a.Height != b.Height || a.Width != b.Width)
            throw LumenException.Model($"{node.Name} adds maps of {a.Height}x{a.Width} and {b.Height}x{b.Width}");
        if (a.SameRegions(b) && a.ChangedRows.SequenceEqual(b.ChangedRows) && a.ChangedColumns.SequenceEqual(b.ChangedColumns)) return a;
        return new NodeLayout(a.Height, a.Width,
            a.ChangedRows.Zip(b.ChangedRows, (x, y) => x.Union(y)).ToArray(),
            a.ChangedColumns.Zip(b.ChangedColumns, (x, y) => x.Union(y)).ToArray());
    }
}
