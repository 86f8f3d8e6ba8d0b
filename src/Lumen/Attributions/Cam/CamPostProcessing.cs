using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Turns layer-resolution maps [N, 1, h, w] into input-resolution maps, without touching the attribution itself.
/// </summary>
public static class CamPostProcessing
{
    /// <summary>pytorch-grad-cam's stabiliser in (m - min) / (max + eps).</summary>
    public const double NormalizationEpsilon = 1e-7;

    /// <summary>
    /// Resizes maps [N, 1, h, w] to [N, 1, height, width] (bilinear and bicubic with half-pixel centres, as
    /// PyTorch's <c>align_corners=False</c> and OpenCV's resize).
    /// </summary>
    public static Tensor Resize(Tensor maps, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear)
    {
        bool smooth = mode is InterpolationMode.Bilinear or InterpolationMode.Bicubic;
        return nn.functional.interpolate(maps, new[] { height, width }, mode: mode, align_corners: smooth ? false : null);
    }

    /// <summary>
    /// What pytorch-grad-cam returns: ReLU, per-image min-max scaling to [0, 1], resize to the input size, then
    /// ReLU and min-max scaling again. Magnitudes are lost (every image spans [0, 1]); an image whose map has no
    /// positive value becomes all zeros.
    /// </summary>
    public static Tensor NormalizedToInputSize(Tensor maps, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear)
    {
        using var scope = NewDisposeScope();
        Tensor scaled = MinMaxPerImage(nn.functional.relu(maps));
        Tensor resized = Resize(scaled, height, width, mode);
        return MinMaxPerImage(nn.functional.relu(resized)).MoveToOuterDisposeScope();
    }

    /// <summary>Per image: m - min(m), then divided by (max + 1e-7).</summary>
    public static Tensor MinMaxPerImage(Tensor maps)
    {
        using var scope = NewDisposeScope();
        long images = maps.shape[0];
        Tensor flat = maps.reshape(images, -1);
        Tensor shifted = flat - flat.min(1, keepdim: true).values;
        Tensor normalized = shifted / (shifted.max(1, keepdim: true).values + NormalizationEpsilon);
        return normalized.reshape(maps.shape).MoveToOuterDisposeScope();
    }
}
