using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>Parses segmentation settings and applies a segmentation to a batch.</summary>
public static class Segmentations
{
    /// <summary>
    /// Parses <c>grid:N</c> / <c>grid:RxC</c>, <c>slic</c> / <c>slic:K</c> (about K superpixels),
    /// <c>quickshift</c> / <c>quickshift:SIGMA</c> (lime's default segmentation, kernel size 4);
    /// a .npy file of integer ids per pixel is read by <see cref="FeatureMask"/>.
    /// </summary>
    public static ISegmentation Parse(string setting, string text)
    {
        string lowered = text.Trim().ToLowerInvariant();
        int colon = lowered.IndexOf(':');
        string kind = colon < 0 ? lowered : lowered[..colon];
        string? argument = colon < 0 ? null : lowered[(colon + 1)..];
        switch (kind)
        {
            case "grid":
                var shape = WindowShape.Parse(setting, argument ?? "4");
                return new GridSegmentation(shape.Height, shape.Width);
            case "slic":
                return new SlicSegmentation(argument is null ? SlicSegmentation.DefaultSegments : Positive(setting, text, argument));
            case "quickshift":
                if (argument is null) return new QuickshiftSegmentation();
                return double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out double kernel) && kernel > 0
                    ? new QuickshiftSegmentation(kernel)
                    : throw LumenException.Usage($"--param {setting}={text}: expected quickshift:SIGMA with SIGMA a positive number of pixels");
            default:
                throw LumenException.Usage($"--param {setting}={text}: expected grid:N, grid:RxC, slic, slic:K, quickshift or quickshift:SIGMA");
        }
    }

    private static int Positive(string setting, string text, string argument) =>
        int.TryParse(argument, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw LumenException.Usage($"--param {setting}={text}: expected a positive whole number after ':'");

    /// <summary>The superpixel ids of every image of <paramref name="input"/> [N, C, H, W]: int64 [N, 1, H, W].</summary>
    public static Tensor Apply(ISegmentation segmentation, Tensor input)
    {
        int images = (int)input.shape[0], channels = (int)input.shape[1], height = (int)input.shape[2], width = (int)input.shape[3];
        using var cpu = input.detach().to_type(ScalarType.Float32).cpu().contiguous();
        float[] all = cpu.data<float>().ToArray();
        int size = channels * height * width;
        var labels = new long[images * height * width];
        for (int n = 0; n < images; n++)
        {
            int[] segments = segmentation.Segment(all.AsSpan(n * size, size).ToArray(), channels, height, width);
            for (int i = 0; i < segments.Length; i++) labels[n * height * width + i] = segments[i];
        }
        using var flat = torch.tensor(labels, dtype: ScalarType.Int64);
        return flat.reshape(images, 1, height, width).to(input.device);
    }
}
