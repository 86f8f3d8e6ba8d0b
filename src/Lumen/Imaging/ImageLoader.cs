using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>Loads image files into a model-ready batch plus display copies, the way torchvision's eval transforms do.</summary>
public static class ImageLoader
{
    /// <summary>Loads one image file as a batch of one; see <see cref="Load(IReadOnlyList{string}, ImagePreprocessing)"/>.</summary>
    /// <exception cref="LumenException">The file is missing, not an image, truncated or too large (kind InputData).</exception>
    public static LoadedImages Load(string path, ImagePreprocessing preprocessing) => Load([path], preprocessing);

    /// <summary>
    /// Decodes, orients, resizes, crops and normalizes each file, and stacks them into one batch.
    /// </summary>
    /// <param name="paths">Image files (PNG, JPEG, BMP, WebP, GIF first frame).</param>
    /// <param name="preprocessing">How to turn pixels into input; see <see cref="ImagePreprocessing"/>.</param>
    /// <returns>The batch; the caller disposes it.</returns>
    /// <exception cref="LumenException">
    /// A file is missing, not an image, truncated, too large, smaller than the crop, or the images differ in size
    /// with no resize and crop given (kind InputData); or the preprocessing is invalid (kind Usage).
    /// </exception>
    public static LoadedImages Load(IReadOnlyList<string> paths, ImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (paths.Count == 0)
        {
            throw LumenException.Usage("No image files were given; pass at least one path.");
        }

        preprocessing.Validate();
        using var scope = torch.NewDisposeScope();
        var displays = new List<Tensor>(paths.Count);
        foreach (var path in paths)
        {
            displays.Add(LoadDisplay(path, preprocessing));
        }

        CheckSameSize(displays, paths);
        var display = torch.stack(displays);
        var input = PixelPipeline.ToInput(display, preprocessing);
        var result = new LoadedImages(input.MoveToOuterDisposeScope(), display.MoveToOuterDisposeScope(), [.. paths]);
        return result;
    }

    /// <summary>Loads one file as float32 [3, H, W] in [0, 1] after orientation, colour mode, resize and crop.</summary>
    private static Tensor LoadDisplay(string path, ImagePreprocessing p)
    {
        using var scope = torch.NewDisposeScope();
        var rgba = ImageDecoder.DecodeRgba(path, DecodeLimits.Of(p));
        var rgb = rgba.narrow(2, 0, 3).permute(2, 0, 1).to_type(ScalarType.Float32); // alpha is dropped, as PIL's convert("RGB")
        var display = PixelPipeline.ToDisplay(rgb.unsqueeze(0), p, $"Image '{path}'").squeeze(0);
        return display.MoveToOuterDisposeScope();
    }

    private static void CheckSameSize(List<Tensor> images, IReadOnlyList<string> paths)
    {
        var first = images[0];
        for (var i = 1; i < images.Count; i++)
        {
            if (images[i].shape[1] != first.shape[1] || images[i].shape[2] != first.shape[2])
            {
                throw LumenException.InputData(
                    $"Images differ in size: '{paths[0]}' is {first.shape[2]}x{first.shape[1]} but '{paths[i]}' is {images[i].shape[2]}x{images[i].shape[1]}; " +
                    "pass a size (ImagePreprocessing.Resize and CenterCrop) so they can form one batch.");
            }
        }
    }
}
