using Lumen.Attributions.Gradients;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// What a hidden superpixel becomes in LIME and KernelSHAP: its own mean colour (lime's <c>hide_color=None</c>, the
/// default) or a <see cref="Baseline"/> image (a constant, the image's mean, a blurred copy, a file).
/// </summary>
public sealed class SuperpixelFill
{
    private readonly Baseline? baseline;

    private SuperpixelFill(Baseline? baseline) => this.baseline = baseline;

    /// <summary>Each superpixel filled with its mean value per channel.</summary>
    public static SuperpixelFill SegmentMean { get; } = new(null);

    /// <summary>Hidden pixels take the values of <paramref name="baseline"/>.</summary>
    public static SuperpixelFill From(Baseline baseline) => new(baseline);

    /// <summary>Parses <c>segment-mean</c> or any replacement <see cref="Replacement.Parse"/> takes.</summary>
    public static SuperpixelFill Parse(string setting, string text) =>
        text.Trim().Equals("segment-mean", StringComparison.OrdinalIgnoreCase) ? SegmentMean : From(Replacement.Parse(setting, text, "segment-mean"));

    /// <summary>How the fill is written in settings.</summary>
    public string Description => baseline?.Description ?? "segment-mean";

    /// <summary>The fill image for every image [N, C, H, W], given the superpixel ids [N, 1, H, W].</summary>
    public Tensor For(Tensor input, Tensor segments)
    {
        if (baseline is not null) return baseline.For(input);
        using var scope = NewDisposeScope();
        long images = input.shape[0], channels = input.shape[1];
        var fills = new List<Tensor>();
        for (long n = 0; n < images; n++)
        {
            Tensor ids = segments[n].flatten();
            long count = ids.max().item<long>() + 1;
            Tensor pixels = input[n].reshape(channels, -1);
            Tensor sums = zeros(channels, count, dtype: input.dtype, device: input.device)
                .index_add_(1, ids, pixels, 1);
            Tensor sizes = zeros(count, dtype: input.dtype, device: input.device).index_add_(0, ids, ones_like(ids, dtype: input.dtype), 1);
            Tensor means = sums / sizes.clamp_min(1);
            fills.Add(means.index_select(1, ids).reshape(input.shape[1], input.shape[2], input.shape[3]));
        }
        return stack(fills, 0).MoveToOuterDisposeScope();
    }
}
