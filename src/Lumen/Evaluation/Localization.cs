using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Whether an explanation points at a known region (a box or a mask of the object, or of a planted shortcut such as
/// the watermark): the pointing game (Zhang et al. 2018: a hit when the map's maximum lies inside the region) and the
/// relevance rank accuracy (Arras et al. 2022: of the K most relevant pixels, K the region's size, the share inside
/// it). <see cref="RelevanceMass"/> gives the relevance mass accuracy.
/// </summary>
public static class Localization
{
    /// <summary>The region of <paramref name="box"/> as a mask [H, W] of an image of that size.</summary>
    public static Tensor BoxMask(RegionBox box, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(box);
        box.CheckInside(height, width);
        using var scope = NewDisposeScope();
        Tensor mask = torch.zeros(height, width, dtype: ScalarType.Bool);
        mask.narrow(0, box.Top, box.Height).narrow(1, box.Left, box.Width).fill_(true);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// 1 where the maximum of the map (channels summed; [N, C, H, W] or [N, H, W]) lies inside <paramref name="mask"/>
    /// ([H, W] for all maps or [N, H, W]), else 0. Ties count as a hit if any maximal pixel is inside.
    /// </summary>
    public static double[] PointingGame(Tensor maps, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var (flat, inside) = Prepare(maps, mask);
        Tensor maximum = flat.max(1, keepdim: true).values;
        Tensor hits = flat.eq(maximum).logical_and(inside).any(1);
        return hits.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// The relevance rank accuracy: with K the number of pixels in the mask, the share of the K highest-relevance
    /// pixels of each map that lie inside it (1 = the map's top K is exactly the region; a random map scores the
    /// region's share of the image).
    /// </summary>
    public static double[] RankAccuracy(Tensor maps, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var (flat, inside) = Prepare(maps, mask);
        var result = new double[flat.shape[0]];
        for (int image = 0; image < result.Length; image++)
        {
            long size = inside[image].sum().item<long>();
            if (size == 0) throw LumenException.Usage($"the region of image {image} is empty; rank accuracy needs at least one pixel inside");
            Tensor top = flat[image].topk((int)size).indexes;
            result[image] = inside[image].index_select(0, top).to_type(ScalarType.Float64).mean().item<double>();
        }
        return result;
    }

    /// <summary>
    /// Top-k intersection (Theiner et al. 2022; Quantus's <c>TopKIntersection</c>): the share of the
    /// <paramref name="k"/> highest-relevance pixels of each map that lie inside the mask (ties keep reading order).
    /// </summary>
    public static double[] TopKIntersection(Tensor maps, Tensor mask, int k)
    {
        using var scope = NewDisposeScope();
        var (flat, inside) = Prepare(maps, mask);
        if (k < 1 || k > flat.shape[1]) throw LumenException.Usage($"--top-k {k}: expected 1 to {flat.shape[1]} pixels");
        Tensor order = flat.sort(dim: 1, descending: true, stable: true).Indices.narrow(1, 0, k);
        return inside.gather(1, order).to_type(ScalarType.Float64).mean(new long[] { 1 }).cpu().data<double>().ToArray();
    }

    /// <summary>The maps [N, H, W] (channels summed) and the region as a flat boolean mask [N, H·W], checked to fit.</summary>
    internal static (Tensor Flat, Tensor Inside) Prepare(Tensor maps, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(mask);
        Tensor summed = maps.dim() == 4 ? maps.sum(dim: 1) : maps;
        if (summed.dim() != 3) throw LumenException.Usage($"relevance maps must be [N, C, H, W] or [N, H, W], not [{string.Join(", ", maps.shape)}]");
        Tensor region = mask.to_type(ScalarType.Bool).to(summed.device);
        if (region.dim() == 2) region = region.unsqueeze(0).expand(summed.shape[0], -1, -1);
        if (!region.shape.SequenceEqual(summed.shape))
            throw LumenException.Usage($"the mask [{string.Join(", ", mask.shape)}] does not fit the maps [{string.Join(", ", summed.shape)}]");
        return (summed.to_type(ScalarType.Float64).reshape(summed.shape[0], -1), region.reshape(summed.shape[0], -1));
    }
}
