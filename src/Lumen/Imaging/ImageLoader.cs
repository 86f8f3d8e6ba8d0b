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
        var input = ToInput(display, preprocessing);
        var result = new LoadedImages(input.MoveToOuterDisposeScope(), display.MoveToOuterDisposeScope(), [.. paths]);
        return result;
    }

    /// <summary>Loads one file as float32 [3, H, W] in [0, 1] after orientation, colour mode, resize and crop.</summary>
    private static Tensor LoadDisplay(string path, ImagePreprocessing p)
    {
        using var scope = torch.NewDisposeScope();
        var rgba = ImageDecoder.DecodeRgba(path, p.MaxImageSide);
        var rgb = rgba.narrow(2, 0, 3).permute(2, 0, 1).to_type(ScalarType.Float32); // alpha is dropped, as PIL's convert("RGB")
        if (p.ColorMode == ColorMode.Grey)
        {
            var weights = torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).view(3, 1, 1);
            rgb = (rgb * weights).sum([0L], keepdim: true).round();
        }

        if (p.Resize is int shorter)
        {
            rgb = ResizeShorterSide(rgb, shorter);
        }

        if (p.CenterCrop is CropSize crop)
        {
            rgb = CenterCrop(rgb, crop, path);
        }

        var display = (rgb / 255f).expand(3, -1, -1).contiguous();
        return display.MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear antialiased resize of a [C, H, W] 0..255 image so that min(H, W) == <paramref name="shorter"/>.</summary>
    internal static Tensor ResizeShorterSide(Tensor chw, int shorter)
    {
        var height = chw.shape[1];
        var width = chw.shape[2];
        long newHeight, newWidth;
        if (height <= width)
        {
            newHeight = shorter;
            newWidth = (long)(shorter * (double)width / height);
        }
        else
        {
            newWidth = shorter;
            newHeight = (long)(shorter * (double)height / width);
        }

        if (newHeight == height && newWidth == width)
        {
            return chw;
        }

        using var batch = chw.unsqueeze(0);
        using var resized = torch.nn.functional.interpolate(
            batch, size: [newHeight, newWidth], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        // Round and clamp like a uint8 image, so the result matches resizing the decoded 8-bit image.
        return resized.squeeze(0).round().clamp(0, 255);
    }

    private static Tensor CenterCrop(Tensor chw, CropSize crop, string path)
    {
        var height = chw.shape[1];
        var width = chw.shape[2];
        if (crop.Height > height || crop.Width > width)
        {
            throw LumenException.InputData($"Image '{path}' is {width}x{height} after resizing, smaller than the {crop.Width}x{crop.Height} crop; set ImagePreprocessing.Resize to at least the crop size.");
        }

        var top = (long)Math.Round((height - crop.Height) / 2.0, MidpointRounding.ToEven);
        var left = (long)Math.Round((width - crop.Width) / 2.0, MidpointRounding.ToEven);
        return chw.narrow(1, top, crop.Height).narrow(2, left, crop.Width);
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

    /// <summary>Turns the display batch [N, 3, H, W] (pixel / 255) into the model input [N, C, H, W].</summary>
    private static Tensor ToInput(Tensor display, ImagePreprocessing p)
    {
        var pixels = p.ColorMode == ColorMode.Grey ? display.narrow(1, 0, 1) : display;
        var input = pixels * (255f * p.Scale);
        if (p.Mean is { } mean)
        {
            input = input - PerChannel(mean, p.Channels);
        }

        if (p.Std is { } std)
        {
            input = input / PerChannel(std, p.Channels);
        }

        return input.to_type(ScalarType.Float32).contiguous();
    }

    private static Tensor PerChannel(float[] values, int channels)
    {
        var full = values.Length == 1 ? Enumerable.Repeat(values[0], channels).ToArray() : values;
        return torch.tensor(full).view(1, channels, 1, 1);
    }
}
