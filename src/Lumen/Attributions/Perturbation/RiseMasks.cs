using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// RISE's random masks (Petsiuk et al. 2018), as the authors' code builds them: a binary grid of
/// <see cref="Cells"/> x <see cref="Cells"/> cells, each kept with probability <see cref="KeepProbability"/>, enlarged
/// bilinearly (half-pixel centres, the grid reflected at its border as scikit-image's <c>resize(mode='reflect')</c>)
/// to (cells + 1) times the cell size ⌈H / cells⌉ x ⌈W / cells⌉, then cropped to H x W at a random shift of 0 to one
/// cell size in each direction. The grids and shifts of all masks are drawn up front from one seeded generator (a few
/// bytes per mask); the masks themselves are built on request, a chunk at a time.
/// </summary>
public sealed class RiseMasks : IDisposable
{
    private readonly Tensor grids;
    private readonly long[] shiftRows;
    private readonly long[] shiftColumns;
    private readonly int cellHeight;
    private readonly int cellWidth;

    /// <summary>Draws <paramref name="count"/> masks for images of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public RiseMasks(int count, int height, int width, int cells, double keepProbability, long seed)
    {
        if (count <= 0) throw LumenException.Usage($"--param masks={count}: expected a positive number of masks");
        if (cells < 2) throw LumenException.Usage($"--param cells={cells}: expected at least 2 cells per side");
        if (cells > Math.Min(height, width)) throw LumenException.Usage($"--param cells={cells}: more cells than the image has pixels ({height}x{width})");
        if (keepProbability is <= 0 or > 1) throw LumenException.Usage($"--param keep-probability={keepProbability}: expected a number above 0 and at most 1");
        Count = count;
        Height = height;
        Width = width;
        Cells = cells;
        KeepProbability = keepProbability;
        cellHeight = (int)Math.Ceiling(height / (double)cells);
        cellWidth = (int)Math.Ceiling(width / (double)cells);
        using var generator = new torch.Generator((ulong)seed);
        using var scope = NewDisposeScope();
        grids = torch.rand(new long[] { count, 1, cells, cells }, generator: generator).lt(keepProbability).to_type(ScalarType.Float32)
            .DetachFromDisposeScope();
        shiftRows = torch.randint(0, cellHeight, new long[] { count }, generator: generator).data<long>().ToArray();
        shiftColumns = torch.randint(0, cellWidth, new long[] { count }, generator: generator).data<long>().ToArray();
    }

    /// <summary>The number of masks.</summary>
    public int Count { get; }

    /// <summary>Mask height.</summary>
    public int Height { get; }

    /// <summary>Mask width.</summary>
    public int Width { get; }

    /// <summary>Grid cells per side.</summary>
    public int Cells { get; }

    /// <summary>The probability that a cell is kept (1 in the mask).</summary>
    public double KeepProbability { get; }

    /// <summary>Masks <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1: float32 [count, 1, H, W] in [0, 1].</summary>
    public Tensor Build(long first, long count)
    {
        using var scope = NewDisposeScope();
        Tensor padded = nn.functional.pad(grids.narrow(0, first, count), new long[] { 1, 1, 1, 1 }, PaddingModes.Reflect);
        Tensor enlarged = nn.functional.interpolate(padded, size: new long[] { (Cells + 2) * cellHeight, (Cells + 2) * cellWidth },
            mode: InterpolationMode.Bilinear, align_corners: false);
        var crops = new List<Tensor>();
        for (long i = 0; i < count; i++)
        {
            crops.Add(enlarged[i].narrow(1, cellHeight + shiftRows[first + i], Height).narrow(2, cellWidth + shiftColumns[first + i], Width));
        }
        return stack(crops, 0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Frees the grids.</summary>
    public void Dispose() => grids.Dispose();
}
