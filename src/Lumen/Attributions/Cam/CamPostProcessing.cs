using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Turns layer-resolution maps [N, 1, h, w] into normalized input-resolution maps, as pytorch-grad-cam returns
/// them, without touching the attribution itself.
/// </summary>
public static class CamPostProcessing
{
    /// <summary>pytorch-grad-cam's stabiliser in (m - min) / (max + eps).</summary>
    public const double NormalizationEpsilon = 1e-7;

    /// <summary>
    /// What pytorch-grad-cam returns: ReLU, per-image min-max scaling to [0, 1], resize to the input size, then
    /// ReLU and min-max scaling again. Magnitudes are lost (every image spans [0, 1]); an image whose map has no
    /// positive value becomes all zeros.
    /// </summary>
    public static Tensor NormalizedToInputSize(Tensor maps, int height, int width, Upsampling mode = Upsampling.Bilinear)
    {
        using var scope = NewDisposeScope();
        Tensor resized = ToSize(nn.functional.relu(maps), height, width, mode, normalize: true);
        return MinMaxPerImage(nn.functional.relu(resized)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Enlarges maps [N, 1, h, w] to <paramref name="height"/> x <paramref name="width"/> with <paramref name="mode"/>,
    /// after scaling each image's map to [0, 1] (<see cref="MinMaxPerImage"/>) when <paramref name="normalize"/> is
    /// true. With <c>normalize: false</c> the values keep their magnitude (the raw map, only resampled).
    /// </summary>
    public static Tensor ToSize(Tensor maps, int height, int width, Upsampling mode, bool normalize)
    {
        using var scope = NewDisposeScope();
        Tensor source = normalize ? MinMaxPerImage(maps) : maps;
        return MapResizer.Resize(source, height, width, mode).MoveToOuterDisposeScope();
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
