using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// Runs an <see cref="OcclusionSchedule"/>: for each image it keeps the activation of every node before the switch on
/// the unmodified image (padded as each consumer pads it), and for a chunk of window positions it recomputes only each
/// node's region, as one batched call per node: the region's input is gathered (one index_select) from the base
/// activation of the node it reads and that node's regions for the chunk's copies. From the switch on, the copies are whole maps (the
/// base with each copy's region pasted) and the remaining nodes run unchanged. Values are kept channels-last, as rows
/// [elements, C], so that a gather moves whole channel vectors.
/// </summary>
internal sealed class IncrementalExecutor : IPerturbationForward, IDisposable
{
    private readonly OcclusionSchedule schedule;
    private readonly IReadOnlyList<PlanNode> nodes;
    private readonly Tensor input;
    private readonly Tensor replacement;
    private readonly List<Tensor> kept = new();
    private int currentImage = -1;
    private Tensor?[] baseRows = Array.Empty<Tensor?>();
    private Tensor?[] paddedRows = Array.Empty<Tensor?>();
    private Tensor?[] validMasks = Array.Empty<Tensor?>();
    private readonly CropWindows?[] crops;
    private readonly int[] origins;

    /// <summary>Creates the executor for the images <paramref name="input"/> [N, C, H, W] and their replacement (same shape).</summary>
    public IncrementalExecutor(OcclusionSchedule schedule, Tensor input, Tensor replacement)
    {
        this.schedule = schedule;
        nodes = schedule.Plan.Nodes;
        this.input = input;
        this.replacement = replacement;
        crops = new CropWindows?[schedule.Switch];
        for (int i = 1; i < schedule.Switch; i++)
        {
            if (nodes[i] is SlidingWindowNode window) crops[i] = CropWindows.Of(window, schedule.Layouts[i]!);
        }
        origins = new int[schedule.Positions];
    }

    /// <inheritdoc />
    public long PerImage => schedule.Positions;

    /// <inheritdoc />
    public Tensor Logits(int image, long first, long count)
    {
        using var noGrad = no_grad();
        Prepare(image);
        int p0 = (int)first, n = (int)count;
        var regions = new Tensor[schedule.Switch];
        var inputLayout = schedule.Layouts[0]!;
        using (var source = cat(new[] { baseRows[0]!, Rows(replacement[image].unsqueeze(0)) }, 0))
        {
            using var index = InputIndex(inputLayout, p0, n, source.device);
            regions[0] = source.index_select(0, index);
        }
        for (int i = 1; i < schedule.Switch; i++)
        {
            var node = nodes[i];
            var layout = schedule.Layouts[i]!;
            switch (node)
            {
                case SlidingWindowNode window:
                {
                    int j = node.Inputs[0];
                    var windows = crops[i]!;
                    using var index = GatherIndex(schedule.Layouts[j]!, (window.Rows.Padding, window.Rows.PaddingAfter), (window.Columns.Padding, window.Columns.PaddingAfter), p0, n,
                        windows.Tops, windows.Lefts, windows.Height, windows.Width, input.device);
                    Tensor crop = Gather(paddedRows[i]!, regions[j], index, n, windows.Height, windows.Width);
                    Tensor? mask = null;
                    if (window.NeedsValidMask)
                    {
                        using var ones = torch.ones(regions[j].shape[0], 1, device: input.device);
                        mask = Gather(validMasks[i]!, ones, index, n, windows.Height, windows.Width);
                    }
                    regions[i] = Rows(window.Crop(crop, mask));
                    break;
                }
                case PointwiseNode pointwise:
                    regions[i] = pointwise.Rows(regions[node.Inputs[0]]);
                    break;
                case SumNode:
                    regions[i] = Align(regions, node.Inputs[0], layout, p0, n) + Align(regions, node.Inputs[1], layout, p0, n);
                    break;
                default:
                    throw new InvalidOperationException($"{node} cannot run on a region");
            }
        }

        var full = new Tensor?[nodes.Count];
        foreach (int j in schedule.Materialized)
        {
            var layout = schedule.Layouts[j]!;
            using var index = GatherIndex(layout, (0, 0), (0, 0), p0, n, origins, origins, layout.Height, layout.Width, input.device);
            full[j] = Gather(baseRows[j]!, regions[j], index, n, layout.Height, layout.Width);
        }
        for (int i = schedule.Switch; i < nodes.Count; i++)
            full[i] = nodes[i].Full(nodes[i].Inputs.Select(j => full[j]!).ToArray());
        return full[^1]!;
    }

    /// <summary>Input node <paramref name="j"/>'s regions moved onto the regions of <paramref name="target"/> (a no-op when they coincide).</summary>
    private Tensor Align(Tensor[] regions, int j, NodeLayout target, int first, int count)
    {
        var source = schedule.Layouts[j]!;
        if (source.SameRegions(target)) return regions[j];
        using var index = GatherIndex(source, (0, 0), (0, 0), first, count, target.Top, target.Left, target.RegionHeight, target.RegionWidth, input.device);
        return Rows(Gather(baseRows[j]!, regions[j], index, count, target.RegionHeight, target.RegionWidth));
    }

    /// <summary>
    /// Gathers [count, C, h, w] (channels-last strides) from the base rows followed by the copies' region rows.
    /// </summary>
    private static Tensor Gather(Tensor baseSource, Tensor regionRows, Tensor index, int count, int height, int width)
    {
        using var source = cat(new[] { baseSource, regionRows }, 0);
        return source.index_select(0, index).view(count, height, width, -1).permute(0, 3, 1, 2);
    }

    /// <summary>A map [N, C, h, w] as channels-last rows [N·h·w, C].</summary>
    private static Tensor Rows(Tensor map) => map.permute(0, 2, 3, 1).reshape(-1, map.shape[1]);

    /// <summary>
    /// For positions <paramref name="first"/>.. and crops of <paramref name="height"/> x <paramref name="width"/> starting at
    /// (rowStart[p], columnStart[p]) in the coordinates of a node with <paramref name="source"/> layout, the row of each
    /// crop element in [base padded by (padRows, padColumns); the chunk's region rows]: from the copy's region where it
    /// covers the element, else from the base.
    /// </summary>
    private static Tensor GatherIndex(NodeLayout source, (int Before, int After) padRows, (int Before, int After) padColumns, int first, int count,
        int[] rowStart, int[] columnStart, int height, int width, Device device)
    {
        int paddedWidth = source.Width + padColumns.Before + padColumns.After;
        long baseLength = (long)(source.Height + padRows.Before + padRows.After) * paddedWidth;
        int regionHeight = source.RegionHeight, regionWidth = source.RegionWidth;
        long regionSize = (long)regionHeight * regionWidth;
        var index = new long[(long)count * height * width];
        long k = 0;
        for (int p = 0; p < count; p++)
        {
            int position = first + p;
            int top = source.Top[position], left = source.Left[position];
            int r0 = rowStart[position], c0 = columnStart[position];
            long regionBase = baseLength + p * regionSize;
            for (int y = 0; y < height; y++)
            {
                int row = r0 + y;
                bool inRows = row >= top && row < top + regionHeight;
                long baseRow = (long)(row + padRows.Before) * paddedWidth + padColumns.Before;
                long regionRow = regionBase + (long)(row - top) * regionWidth - left;
                for (int x = 0; x < width; x++)
                {
                    int column = c0 + x;
                    index[k++] = inRows && column >= left && column < left + regionWidth ? regionRow + column : baseRow + column;
                }
            }
        }
        return torch.tensor(index, dtype: ScalarType.Int64, device: device);
    }

    /// <summary>The input node's regions: the image, with the replacement inside each position's window.</summary>
    private static Tensor InputIndex(NodeLayout layout, int first, int count, Device device)
    {
        int height = layout.RegionHeight, width = layout.RegionWidth;
        long imageSize = (long)layout.Height * layout.Width;
        var index = new long[(long)count * height * width];
        long k = 0;
        for (int p = 0; p < count; p++)
        {
            int position = first + p;
            var rows = layout.ChangedRows[position];
            var columns = layout.ChangedColumns[position];
            for (int y = 0; y < height; y++)
            {
                int row = layout.Top[position] + y;
                bool inRows = row >= rows.Start && row < rows.End;
                for (int x = 0; x < width; x++)
                {
                    int column = layout.Left[position] + x;
                    long pixel = (long)row * layout.Width + column;
                    index[k++] = inRows && column >= columns.Start && column < columns.End ? imageSize + pixel : pixel;
                }
            }
        }
        return torch.tensor(index, dtype: ScalarType.Int64, device: device);
    }

    /// <summary>Computes the base activations of image <paramref name="image"/> unless they are the current ones.</summary>
    private void Prepare(int image)
    {
        if (image == currentImage) return;
        Release();
        using var scope = NewDisposeScope();
        int count = schedule.Switch;
        baseRows = new Tensor?[count];
        paddedRows = new Tensor?[count];
        validMasks = new Tensor?[count];
        var maps = new Tensor[count];
        maps[0] = input[image].unsqueeze(0);
        for (int i = 1; i < count; i++) maps[i] = nodes[i].Full(nodes[i].Inputs.Select(j => maps[j]).ToArray());
        for (int i = 0; i < count; i++)
        {
            baseRows[i] = Keep(Rows(maps[i]).contiguous());
            if (nodes[i] is not SlidingWindowNode window) continue;
            var source = maps[window.Inputs[0]];
            long[] pad = { window.Columns.Padding, window.Columns.PaddingAfter, window.Rows.Padding, window.Rows.PaddingAfter };
            paddedRows[i] = Keep(Rows(nn.functional.pad(source, pad, PaddingModes.Constant, window.PadValue)).contiguous());
            if (window.NeedsValidMask)
            {
                using var ones = torch.ones(1, 1, source.shape[2], source.shape[3], device: source.device);
                validMasks[i] = Keep(Rows(nn.functional.pad(ones, pad, PaddingModes.Constant, 0)).contiguous());
            }
        }
        currentImage = image;

        Tensor Keep(Tensor tensor)
        {
            kept.Add(tensor.DetachFromDisposeScope());
            return tensor;
        }
    }

    private void Release()
    {
        foreach (var tensor in kept) tensor.Dispose();
        kept.Clear();
        currentImage = -1;
    }

    /// <inheritdoc />
    public void Dispose() => Release();

    /// <summary>
    /// The input windows a sliding-window node reads to recompute its regions: per position, the first row and column
    /// (in the unpadded input's coordinates, negative inside the padding), and one size for all positions.
    /// </summary>
    private sealed record CropWindows(int[] Tops, int[] Lefts, int Height, int Width)
    {
        public static CropWindows Of(SlidingWindowNode window, NodeLayout layout)
        {
            var rows = layout.Top.Select(t => window.Rows.Needed(new Interval(t, t + layout.RegionHeight))).ToArray();
            var columns = layout.Left.Select(l => window.Columns.Needed(new Interval(l, l + layout.RegionWidth))).ToArray();
            return new CropWindows(rows.Select(r => r.Start).ToArray(), columns.Select(c => c.Start).ToArray(), rows[0].Length, columns[0].Length);
        }
    }
}
