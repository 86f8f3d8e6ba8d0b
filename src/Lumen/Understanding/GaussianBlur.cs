using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>A separable Gaussian blur of images [N, C, H, W] with reflected borders (kernel radius ⌈3σ⌉).</summary>
public static class GaussianBlur
{
    /// <summary>The blurred images (a new tensor of the same shape).</summary>
    public static Tensor Apply(Tensor images, double sigma)
    {
        if (!(sigma > 0)) throw LumenException.Usage($"the blur sigma must be positive, got {sigma}");
        using var scope = torch.NewDisposeScope();
        long channels = images.shape[1];
        int radius = (int)Math.Ceiling(3 * sigma);
        radius = (int)Math.Min(radius, Math.Min(images.shape[2], images.shape[3]) - 1);
        if (radius < 1) return images.clone().MoveToOuterDisposeScope();
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        double total = weights.Sum();
        var kernel = torch.tensor(weights.Select(w => (float)(w / total)).ToArray(), device: images.device);
        var horizontal = kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1).contiguous();
        var vertical = kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1).contiguous();
        var padded = nn.functional.pad(images, new long[] { radius, radius, 0, 0 }, PaddingModes.Reflect);
        var rows = nn.functional.conv2d(padded, horizontal, groups: channels);
        padded = nn.functional.pad(rows, new long[] { 0, 0, radius, radius }, PaddingModes.Reflect);
        return nn.functional.conv2d(padded, vertical, groups: channels).MoveToOuterDisposeScope();
    }
}
