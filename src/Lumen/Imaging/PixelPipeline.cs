using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// The pixel steps of <see cref="ImagePreprocessing"/> on batches: colour mode, resize, centre crop (giving the
/// display image) and scale/mean/std (giving the model input). Shared by image files and datasets.
/// </summary>
internal static class PixelPipeline
{
    /// <summary>
    /// Turns pixels [N, C, H, W] with values 0..255 (C = 1 or 3) into display images [N, 3, H', W'] in [0, 1]:
    /// converted to the preprocessing's colour mode (grey by ITU-R 601 luma, rounded like PIL), resized and cropped.
    /// </summary>
    /// <param name="pixels">Values 0..255, float.</param>
    /// <param name="p">The preprocessing.</param>
    /// <param name="source">What the pixels are, for error messages (e.g. "Image 'cat.png'").</param>
    public static Tensor ToDisplay(Tensor pixels, ImagePreprocessing p, string source)
    {
        using var scope = torch.NewDisposeScope();
        var image = pixels.to_type(ScalarType.Float32);
        if (p.ColorMode == ColorMode.Grey && image.shape[1] == 3)
        {
            var weights = torch.tensor(new[] { 0.299f, 0.587f, 0.114f }).view(1, 3, 1, 1);
            image = (image * weights).sum([1L], keepdim: true).round();
        }

        if (p.Resize is int shorter)
        {
            image = ResizeShorterSide(image, shorter);
        }

        if (p.CenterCrop is CropSize crop)
        {
            image = CenterCrop(image, crop, source);
        }

        var display = (image / 255f).expand(-1, 3, -1, -1).contiguous();
        return display.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Like <see cref="ToDisplay"/> for pixels already in [0, 1]; when no step changes the images (no colour
    /// conversion, resize or crop to do), the values are kept exactly instead of making a round trip through 0..255.
    /// </summary>
    public static Tensor ToDisplayFromUnitRange(Tensor pixels, ImagePreprocessing p, string source)
    {
        var height = pixels.shape[2];
        var width = pixels.shape[3];
        var convertsColour = p.ColorMode == ColorMode.Grey && pixels.shape[1] == 3;
        var resizes = p.Resize is int shorter && shorter != Math.Min(height, width);
        var crops = p.CenterCrop is CropSize crop && (crop.Height != height || crop.Width != width);
        if (!convertsColour && !resizes && !crops)
        {
            return pixels.to_type(ScalarType.Float32).expand(-1, 3, -1, -1).contiguous();
        }

        using var scaled = pixels * 255f;
        return ToDisplay(scaled, p, source);
    }

    /// <summary>Turns the display batch [N, 3, H, W] (pixel / 255) into the model input [N, C, H, W].</summary>
    public static Tensor ToInput(Tensor display, ImagePreprocessing p)
    {
        using var scope = torch.NewDisposeScope();
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

        return input.to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bilinear antialiased resize of [N, C, H, W] 0..255 images so that min(H, W) == <paramref name="shorter"/>, equal to
    /// TorchVision's <c>Resize(shorter)</c> on a PIL image (see <see cref="AntialiasedResize"/>).
    /// </summary>
    public static Tensor ResizeShorterSide(Tensor nchw, int shorter)
    {
        var height = nchw.shape[2];
        var width = nchw.shape[3];
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
            return nchw.alias();
        }

        // Pillow's 8-bit bilinear resample, so that the result equals TorchVision's Resize on a PIL image.
        return AntialiasedResize.Resize(nchw, newHeight, newWidth);
    }

    private static Tensor CenterCrop(Tensor nchw, CropSize crop, string source)
    {
        var height = nchw.shape[2];
        var width = nchw.shape[3];
        if (crop.Height > height || crop.Width > width)
        {
            throw LumenException.InputData($"{source} is {width}x{height} after resizing, smaller than the {crop.Width}x{crop.Height} crop; set ImagePreprocessing.Resize to at least the crop size.");
        }

        var top = (long)Math.Round((height - crop.Height) / 2.0, MidpointRounding.ToEven);
        var left = (long)Math.Round((width - crop.Width) / 2.0, MidpointRounding.ToEven);
        return nchw.narrow(2, top, crop.Height).narrow(3, left, crop.Width);
    }

    private static Tensor PerChannel(float[] values, int channels)
    {
        var full = values.Length == 1 ? Enumerable.Repeat(values[0], channels).ToArray() : values;
        return torch.tensor(full).view(1, channels, 1, 1);
    }
}
