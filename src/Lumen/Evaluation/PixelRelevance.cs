using Lumen.Attributions;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>Turns an attribution into one relevance value per pixel, the form every evaluation metric compares.</summary>
public static class PixelRelevance
{
    /// <summary>
    /// The relevance of each pixel, float32 [N, H, W]: channels summed, and a map at a layer's resolution (the CAM
    /// family) resized bilinearly to <paramref name="height"/> x <paramref name="width"/>, as pytorch-grad-cam shows it.
    /// </summary>
    public static Tensor Of(Attribution attribution, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        using var scope = NewDisposeScope();
        Tensor values = attribution.Values.to_type(ScalarType.Float32);
        if (values.dim() != 4)
            throw LumenException.Usage($"method '{attribution.Method}' gave maps of shape [{string.Join(", ", values.shape)}]; evaluation needs one map per image [N, C, H, W]");
        Tensor summed = values.sum(dim: 1, keepdim: true);
        if (summed.shape[2] != height || summed.shape[3] != width)
            summed = MapResizer.Resize(summed, (int)height, (int)width, Upsampling.Bilinear);
        return summed.squeeze(1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The rank of every pixel in the order of decreasing relevance (0 = most relevant), int64 [N, H * W]; with
    /// <paramref name="region"/> &gt; 1, pixels are grouped in square regions of that side (cut at the border), ranked
    /// by their summed relevance, and every pixel gets its region's rank. Ties keep reading order.
    /// Returns the ranks and the number of ranked units (pixels or regions).
    /// </summary>
    /// <param name="relevance">[N, H, W] pixel relevance.</param>
    /// <param name="region">The region side in pixels, at least 1.</param>
    /// <param name="ascending">Rank the least relevant first instead.</param>
    public static (Tensor Ranks, long Units) Ranks(Tensor relevance, int region = 1, bool ascending = false)
    {
        ArgumentNullException.ThrowIfNull(relevance);
        if (region < 1) throw LumenException.Usage($"--region {region}: expected a positive whole number of pixels");
        using var scope = NewDisposeScope();
        long images = relevance.shape[0], height = relevance.shape[1], width = relevance.shape[2];
        long rows = (height + region - 1) / region, columns = (width + region - 1) / region;
        Tensor regionOfPixel = (torch.arange(height).div(region, rounding_mode: RoundingMode.floor).unsqueeze(1) * columns
            + torch.arange(width).div(region, rounding_mode: RoundingMode.floor).unsqueeze(0)).reshape(-1).to(relevance.device);
        long units = rows * columns;
        Tensor pixelScores = relevance.to_type(ScalarType.Float64).reshape(images, -1);
        Tensor unitScores = torch.zeros(images, units, dtype: ScalarType.Float64, device: relevance.device)
            .index_add(1, regionOfPixel, pixelScores, 1.0);
        Tensor order = unitScores.sort(dim: 1, descending: !ascending, stable: true).Indices;
        Tensor unitRanks = torch.empty_like(order).scatter_(1, order, torch.arange(units, device: relevance.device).unsqueeze(0).expand(images, -1).contiguous());
        Tensor ranks = unitRanks.index_select(1, regionOfPixel);
        return (ranks.MoveToOuterDisposeScope(), units);
    }
}
