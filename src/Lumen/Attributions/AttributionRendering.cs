using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions;

/// <summary>
/// Turns one image's attribution into a picture, without changing the attribution: channels are summed (as
/// Captum does), signed maps use a diverging colormap scaled symmetrically around zero, magnitude maps a
/// sequential one scaled min-max, and layer maps are upsampled bilinearly to the image's size.
/// </summary>
public static class AttributionRendering
{
    /// <summary>The smallest side a rendered picture gets; smaller images are enlarged by whole factors.</summary>
    public const int MinimumSide = 224;

    /// <summary>
    /// The overlay of image <paramref name="index"/>'s attribution on <paramref name="display"/> [3, H, W] (values in [0, 1]).
    /// </summary>
    /// <param name="attribution">The attribution to render.</param>
    /// <param name="index">Which image of the attribution.</param>
    /// <param name="display">The image as shown to a person, [3, H, W] or [1, H, W] in [0, 1].</param>
    /// <param name="colormap">The colormap, or null for bwr on signed maps and jet on magnitudes.</param>
    /// <param name="alpha">The heatmap's opacity.</param>
    public static RgbImage Overlay(Attribution attribution, int index, Tensor display, Colormap? colormap = null, float alpha = 0.5f)
    {
        using var scope = NewDisposeScope();
        // Rendering happens where the picture is (the CPU for images read from files), whatever device explained it.
        Tensor map = HeatmapRenderer.ReduceChannels(attribution.Values[index].to(display.device));
        bool signed = map.lt(0).any().item<bool>();
        int factor = EnlargementFactor(display);
        int height = (int)display.shape[1] * factor;
        int width = (int)display.shape[2] * factor;
        Tensor enlarged = MapResizer.Resize(display, height, width, Upsampling.Nearest);
        Upsampling mapUpsampling = attribution.Layer is null ? Upsampling.Nearest : Upsampling.Bilinear;
        Tensor resized = MapResizer.Resize(map, height, width, mapUpsampling);
        var chosen = colormap ?? (signed ? Colormap.BlueWhiteRed : Colormap.Jet);
        var normalization = signed ? MapNormalization.SymmetricAbsMax : MapNormalization.MinMax;
        return HeatmapRenderer.Overlay(enlarged, resized, chosen, normalization, alpha);
    }

    private static int EnlargementFactor(Tensor display)
    {
        long side = Math.Min(display.shape[1], display.shape[2]);
        return side >= MinimumSide ? 1 : (int)Math.Ceiling(MinimumSide / (double)side);
    }
}
