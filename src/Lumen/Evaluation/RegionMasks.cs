using Lumen.IO;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Reads the region the localisation metrics look for from files: a .npy array ([H, W] for every image, or
/// [N, H, W]; non-zero = inside) or a PNG/JPEG/BMP/WebP image (a pixel is inside when any of R, G, B is non-zero and it
/// is not transparent), at the model's input size.
/// </summary>
public static class RegionMasks
{
    /// <summary>
    /// The boolean mask [N, H, W] of <paramref name="images"/> images from <paramref name="paths"/>: one file for all
    /// images, or one file per image in order.
    /// </summary>
    /// <exception cref="LumenException">A file count, size or dtype does not fit, or a mask is empty (kind Usage), or a
    /// file cannot be read (kind InputData).</exception>
    public static Tensor Load(IReadOnlyList<string> paths, long images, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count != 1 && paths.Count != images)
            throw LumenException.Usage($"{paths.Count} masks for {images} images: give one --mask for all images or one per image");
        using var scope = NewDisposeScope();
        var masks = paths.Select(path => Read(path, height, width)).ToList();
        Tensor all = masks.Count == 1
            ? (masks[0].dim() == 3 ? masks[0] : masks[0].unsqueeze(0).expand(images, -1, -1))
            : torch.stack(masks.Select(mask => mask.dim() == 3 ? mask.squeeze(0) : mask).ToArray(), 0);
        if (all.shape[0] != images)
            throw LumenException.Usage($"mask '{paths[0]}' holds {all.shape[0]} masks for {images} images: give [H, W] or [{images}, H, W]");
        for (int image = 0; image < images; image++)
        {
            if (!all[image].any().item<bool>())
                throw LumenException.Usage($"the mask of image {image} is empty: the localisation metrics need at least one pixel inside the region");
        }
        return all.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The mask [H, W] for every image, from <paramref name="box"/>.</summary>
    public static Tensor FromBox(RegionBox box, long height, long width) => Localization.BoxMask(box, height, width);

    private static Tensor Read(string path, long height, long width)
    {
        InputFile.RequireFile(path, "Mask", "mask.png");
        Tensor mask;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            using var array = NpyFile.Read(path);
            if (array.dim() is not (2 or 3) || (array.dim() == 3 && array.shape[0] < 1))
                throw LumenException.Usage($"mask '{path}' has shape [{string.Join(", ", array.shape)}]; expected [H, W] or [N, H, W]");
            mask = array.ne(0);
        }
        else
        {
            using var rgba = ImageDecoder.DecodeRgba(path, (int)Math.Max(height, width) * 16);
            using var colour = rgba.narrow(2, 0, 3).ne(0).any(2);
            using var opaque = rgba.select(2, 3).ne(0);
            mask = colour.logical_and(opaque);
        }
        long maskHeight = mask.shape[^2], maskWidth = mask.shape[^1];
        if (maskHeight != height || maskWidth != width)
        {
            mask.Dispose();
            throw LumenException.Usage($"mask '{path}' is {maskWidth}x{maskHeight} pixels; the model's input is {width}x{height}: give a mask of the input's size");
        }
        return mask;
    }
}
