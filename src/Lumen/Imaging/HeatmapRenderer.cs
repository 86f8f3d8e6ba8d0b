using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Draws attribution maps as coloured heatmaps, alone or blended over the image. Rendering never changes the
/// numbers of its inputs: every step works on new tensors.
/// </summary>
public static class HeatmapRenderer
{
    /// <summary>Colours one map: normalize it to [0, 1], then look each value up in the colormap.</summary>
    /// <param name="map2d">The map [H, W] (a leading dimension of size 1 is accepted).</param>
    /// <param name="colormap">The colours, for example <see cref="Colormap.Jet"/>.</param>
    /// <param name="normalization">How raw values become [0, 1], for example <see cref="MapNormalization.MinMax"/>.</param>
    /// <exception cref="LumenException">The map is not 2-D (kind Usage) or holds NaN or infinity (kind InputData).</exception>
    public static RgbImage Render(Tensor map2d, Colormap colormap, MapNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(colormap);
        ArgumentNullException.ThrowIfNull(normalization);
        using var scope = torch.NewDisposeScope();
        return RenderBatch(As2d(map2d, nameof(map2d)).unsqueeze(0), colormap, normalization)[0];
    }

    /// <summary>
    /// Blends a coloured map over an image: <c>(1 - alpha) * image + alpha * colour</c>. The map is normalized at its
    /// own resolution, then enlarged to the image size with <paramref name="upsampling"/> if it is smaller
    /// (a Grad-CAM 7x7 map over a 224x224 image).
    /// </summary>
    /// <param name="display">The image [3, H, W] (or grey [1, H, W]) with values in [0, 1], such as <see cref="LoadedImages.Display"/>[i].</param>
    /// <param name="map2d">The map [h, w] (a leading dimension of size 1 is accepted).</param>
    /// <param name="colormap">The colours.</param>
    /// <param name="normalization">How raw values become [0, 1].</param>
    /// <param name="alpha">Weight of the heatmap, 0 (image only) to 1 (heatmap only).</param>
    /// <param name="upsampling">How the map is enlarged to the image size.</param>
    /// <exception cref="LumenException">Shapes or alpha are wrong (kind Usage), or the map holds NaN or infinity (kind InputData).</exception>
    public static RgbImage Overlay(
        Tensor display,
        Tensor map2d,
        Colormap colormap,
        MapNormalization normalization,
        float alpha = 0.5f,
        Upsampling upsampling = Upsampling.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(display);
        ArgumentNullException.ThrowIfNull(colormap);
        ArgumentNullException.ThrowIfNull(normalization);
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw LumenException.Usage($"Overlay alpha must be between 0 and 1, not {alpha}.");
        }

        if (display.dim() != 3 || (display.shape[0] != 3 && display.shape[0] != 1))
        {
            throw LumenException.Usage($"The display image must be [3, H, W] or [1, H, W], not [{string.Join(", ", display.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        return OverlayBatch(display.unsqueeze(0), As2d(map2d, nameof(map2d)).unsqueeze(0), colormap, normalization, alpha, upsampling)[0];
    }

    /// <summary>
    /// Draws a horizontal colour bar, low values on the left, for a legend next to heatmaps.
    /// </summary>
    /// <param name="colormap">The colours.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <exception cref="LumenException">The size is not positive (kind Usage).</exception>
    public static RgbImage RenderColorbar(Colormap colormap, int width = 256, int height = 16)
    {
        ArgumentNullException.ThrowIfNull(colormap);
        if (width <= 0 || height <= 0)
        {
            throw LumenException.Usage($"A colour bar needs a positive size, not {width}x{height}.");
        }

        var pixels = new byte[width * height * 3];
        for (var x = 0; x < width; x++)
        {
            var (r, g, b) = colormap.Map(width == 1 ? 0.5f : x / (float)(width - 1));
            for (var y = 0; y < height; y++)
            {
                var o = (y * width + x) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = (r, g, b);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// Colours one map per image of a batch: <paramref name="maps"/> is [N, h, w], [N, 1, h, w] or [N, C, h, w]
    /// (several channels are reduced with <paramref name="reduction"/>; a single channel is used as it is). Each map
    /// is normalized on its own.
    /// </summary>
    /// <exception cref="LumenException">Shapes are wrong (kind Usage) or a map holds NaN or infinity (kind InputData).</exception>
    public static IReadOnlyList<RgbImage> RenderBatch(
        Tensor maps, Colormap colormap, MapNormalization normalization, ChannelReduction reduction = ChannelReduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(colormap);
        ArgumentNullException.ThrowIfNull(normalization);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var normalized = normalization.NormalizeEach(MapsPerImage(maps, reduction));
        return RgbImage.SplitBatch(colormap.Apply(normalized));
    }

    /// <summary>
    /// Blends one map over each image of a batch, as <see cref="Overlay"/> does for one image.
    /// <paramref name="displays"/> is [N, 3, H, W] in [0, 1] (such as <see cref="LoadedImages.Display"/>);
    /// <paramref name="maps"/> is [N, h, w], [N, 1, h, w] or [N, C, h, w] (several channels are reduced with
    /// <paramref name="reduction"/>). Each map is normalized on its own.
    /// </summary>
    /// <exception cref="LumenException">Shapes, counts or alpha are wrong (kind Usage), or a map holds NaN or infinity (kind InputData).</exception>
    public static IReadOnlyList<RgbImage> OverlayBatch(
        Tensor displays,
        Tensor maps,
        Colormap colormap,
        MapNormalization normalization,
        float alpha = 0.5f,
        Upsampling upsampling = Upsampling.Bilinear,
        ChannelReduction reduction = ChannelReduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(displays);
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(colormap);
        ArgumentNullException.ThrowIfNull(normalization);
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw LumenException.Usage($"Overlay alpha must be between 0 and 1, not {alpha}.");
        }

        if (displays.dim() != 4 || (displays.shape[1] != 3 && displays.shape[1] != 1))
        {
            throw LumenException.Usage($"Display images must be a batch [N, 3, H, W], not [{string.Join(", ", displays.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = MapsPerImage(maps, reduction);
        if (batch.shape[0] != displays.shape[0])
        {
            throw LumenException.Usage($"There are {displays.shape[0]} images but {batch.shape[0]} maps; give one map per image.");
        }

        var height = (int)displays.shape[2];
        var width = (int)displays.shape[3];
        var images = displays.to_type(ScalarType.Float32).cpu().expand(-1, 3, -1, -1);
        MapNormalization.ThrowIfNotFinite(images);
        var (low, high) = (images.min().item<float>(), images.max().item<float>());
        if (low < -1e-3f || high > 1.001f)
        {
            throw LumenException.Usage($"The display image has values from {low:G3} to {high:G3}, outside [0, 1]; pass LoadedImages.Display (before mean/std), not the normalized model input.");
        }

        // Each map is normalized at its own resolution, then enlarged to the image size.
        var normalized = normalization.NormalizeEach(batch);
        if (normalized.shape[1] != height || normalized.shape[2] != width)
        {
            normalized = MapResizer.Resize(normalized.unsqueeze(1), height, width, upsampling).squeeze(1).clamp(0, 1);
        }

        // Channels last throughout: (1 − alpha) · image + alpha · colour, then bytes, with no transposed copy.
        var blended = images.permute(0, 2, 3, 1).mul(1 - alpha).add_(colormap.ApplyScaled(normalized, alpha));
        var bytes = blended.clamp_(0, 1).mul_(255).round_().to_type(ScalarType.Byte);
        return RgbImage.SplitBatch(bytes);
    }

    /// <summary>
    /// Reduces a per-channel attribution [C, H, W] (or [1, C, H, W]) to one map [H, W]; a map that is already
    /// [H, W] is copied. Returns a new tensor.
    /// </summary>
    /// <exception cref="LumenException">The attribution has another rank (kind Usage).</exception>
    public static Tensor ReduceChannels(Tensor attribution, ChannelReduction reduction = ChannelReduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        using var scope = torch.NewDisposeScope();
        var x = attribution.dim() == 4 && attribution.shape[0] == 1 ? attribution.squeeze(0) : attribution;
        Tensor result = x.dim() switch
        {
            2 => x.clone(),
            3 => Reduce(x, 0, reduction),
            _ => throw LumenException.Usage($"An attribution to reduce must be [C, H, W], [1, C, H, W] or [H, W], not [{string.Join(", ", attribution.shape)}]."),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Turns [N, h, w], [N, 1, h, w] or [N, C, h, w] into [N, h, w].</summary>
    private static Tensor MapsPerImage(Tensor maps, ChannelReduction reduction)
    {
        return maps.dim() switch
        {
            3 => maps,
            4 when maps.shape[1] == 1 => maps.squeeze(1),
            4 => Reduce(maps, 1, reduction),
            _ => throw LumenException.Usage($"Maps for a batch must be [N, h, w], [N, 1, h, w] or [N, C, h, w], not [{string.Join(", ", maps.shape)}]."),
        };
    }

    /// <summary>Reduces the channel dimension <paramref name="dim"/> as <paramref name="reduction"/> says.</summary>
    private static Tensor Reduce(Tensor x, long dim, ChannelReduction reduction) => reduction switch
    {
        ChannelReduction.Sum => x.sum(dim: dim),
        ChannelReduction.MeanAbs => x.abs().mean([dim]),
        ChannelReduction.MaxAbs => x.abs().amax([dim]),
        _ => throw LumenException.Usage($"Unknown channel reduction {reduction}."),
    };

    private static Tensor As2d(Tensor map, string name)
    {
        ArgumentNullException.ThrowIfNull(map, name);
        var x = map;
        while (x.dim() > 2 && x.shape[0] == 1)
        {
            x = x.squeeze(0);
        }

        if (x.dim() != 2)
        {
            throw LumenException.Usage($"A heatmap needs a 2-D map [H, W], not [{string.Join(", ", map.shape)}]; reduce channels with HeatmapRenderer.ReduceChannels first.");
        }

        return x;
    }
}
