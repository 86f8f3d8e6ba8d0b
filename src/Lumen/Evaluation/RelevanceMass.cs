using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// How much of an explanation falls inside a region (the relevance mass accuracy of Arras et al. 2022): the
/// positive relevance inside the region divided by the positive relevance of the whole map. A map that ignores
/// the region scores near 0; one that only points at it scores 1; a uniform map scores the region's share of the area.
/// </summary>
public static class RelevanceMass
{
    /// <summary>
    /// The share of positive relevance inside <paramref name="box"/> for each map of <paramref name="maps"/>
    /// [N, C, H, W] or [N, H, W] (channels are summed first). A map with no positive value gives 0.
    /// </summary>
    /// <exception cref="LumenException">The box does not fit the maps (kind Usage).</exception>
    public static double[] PositiveShareInBox(Tensor maps, RegionBox box)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(box);
        using var scope = torch.NewDisposeScope();
        var flat = maps.dim() == 4 ? maps.sum(dim: 1) : maps;
        if (flat.dim() != 3)
        {
            throw LumenException.Usage($"relevance maps must be [N, C, H, W] or [N, H, W], not [{string.Join(", ", maps.shape)}]");
        }

        box.CheckInside(flat.shape[1], flat.shape[2]);
        var positive = flat.to_type(ScalarType.Float64).clamp_min(0);
        var total = positive.sum([1L, 2L]);
        var inside = positive.narrow(1, box.Top, box.Height).narrow(2, box.Left, box.Width).sum([1L, 2L]);
        var share = torch.where(total.gt(0), inside / total.clamp_min(double.Epsilon), torch.zeros_like(total));
        return share.cpu().data<double>().ToArray();
    }

    /// <summary>
    /// The share of positive relevance inside <paramref name="mask"/> ([H, W] for every map or [N, H, W]) for each map
    /// of <paramref name="maps"/> [N, C, H, W] or [N, H, W] (channels summed first). A map with no positive value gives 0.
    /// </summary>
    public static double[] PositiveShare(Tensor maps, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var (flat, inside) = Localization.Prepare(maps, mask);
        var positive = flat.clamp_min(0);
        var total = positive.sum(1);
        var within = (positive * inside.to_type(ScalarType.Float64)).sum(1);
        var share = torch.where(total.gt(0), within / total.clamp_min(double.Epsilon), torch.zeros_like(total));
        return share.cpu().data<double>().ToArray();
    }
}
