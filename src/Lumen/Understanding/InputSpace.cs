using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// The map between pixels in [0, 1] and the model's input space, taken from its <see cref="ImagePreprocessing"/>:
/// input = (pixel · 255 · Scale − mean) / std per channel. Its image of [0, 1] is the valid input range that
/// activation maximization clips to.
/// </summary>
public sealed class InputSpace
{
    private readonly float[] factor;
    private readonly float[] offset;

    /// <summary>The map for <paramref name="channels"/>-channel input prepared with <paramref name="preprocessing"/>.</summary>
    public InputSpace(ImagePreprocessing preprocessing, int channels)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        Channels = channels;
        float top = 255f * preprocessing.Scale;
        float[] mean = preprocessing.Mean ?? new float[] { 0f };
        float[] std = preprocessing.Std ?? new float[] { 1f };
        factor = Enumerable.Range(0, channels).Select(c => top / std[c % std.Length]).ToArray();
        offset = Enumerable.Range(0, channels).Select(c => -mean[c % mean.Length] / std[c % std.Length]).ToArray();
        Low = Enumerable.Range(0, channels).Select(c => Math.Min(offset[c], offset[c] + factor[c])).ToArray();
        High = Enumerable.Range(0, channels).Select(c => Math.Max(offset[c], offset[c] + factor[c])).ToArray();
    }

    /// <summary>The number of input channels.</summary>
    public int Channels { get; }

    /// <summary>The lowest valid input value per channel (pixel 0 after normalisation).</summary>
    public IReadOnlyList<float> Low { get; }

    /// <summary>The highest valid input value per channel (pixel 1 after normalisation).</summary>
    public IReadOnlyList<float> High { get; }

    /// <summary>Model input [N, C, H, W] for pixels [N, C, H, W] in [0, 1] (differentiable).</summary>
    public Tensor ToInput(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        return (pixels * PerChannel(factor, pixels) + PerChannel(offset, pixels)).MoveToOuterDisposeScope();
    }

    /// <summary>Pixels in [0, 1] for model input (the inverse of <see cref="ToInput"/>; not clamped).</summary>
    public Tensor ToPixels(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return ((input - PerChannel(offset, input)) / PerChannel(factor, input)).MoveToOuterDisposeScope();
    }

    private Tensor PerChannel(float[] values, Tensor like)
    {
        if (like.dim() != 4 || like.shape[1] != Channels)
            throw LumenException.Usage($"expected images [N, {Channels}, H, W], got [{string.Join(", ", like.shape)}]");
        return torch.tensor(values, device: like.device).view(1, Channels, 1, 1);
    }
}
