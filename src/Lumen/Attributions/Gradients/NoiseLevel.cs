using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// The standard deviation of the Gaussian noise <see cref="NoiseTunnel"/> adds: either absolute (Captum's
/// <c>stdevs</c>, default 1.0) or a fraction of each image's value range, σ_n = fraction · (max x_n − min x_n)
/// (the SmoothGrad paper and Zennit, typically 0.1 to 0.2).
/// </summary>
public sealed class NoiseLevel
{
    private NoiseLevel(double value, bool relative)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw LumenException.Usage($"noise level {value}: expected a number of at least 0");
        Value = value;
        IsFractionOfRange = relative;
    }

    /// <summary>The same standard deviation <paramref name="stdev"/> for every image.</summary>
    public static NoiseLevel Absolute(double stdev) => new(stdev, relative: false);

    /// <summary>σ_n = <paramref name="fraction"/> · (max x_n − min x_n) for each image n.</summary>
    public static NoiseLevel FractionOfRange(double fraction) => new(fraction, relative: true);

    /// <summary>The standard deviation, or the fraction of the range.</summary>
    public double Value { get; }

    /// <summary>Whether <see cref="Value"/> is a fraction of each image's value range.</summary>
    public bool IsFractionOfRange { get; }

    /// <summary>How the level is written in settings: <c>stdev=1</c> or <c>noise-fraction=0.15</c>.</summary>
    public string Description => (IsFractionOfRange ? "noise-fraction=" : "stdev=") + Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The standard deviation for each image of <paramref name="input"/> [N, ...], shape [N, 1, 1, 1].</summary>
    public Tensor Sigma(Tensor input)
    {
        using var scope = NewDisposeScope();
        long images = input.shape[0];
        var shape = new long[] { images }.Concat(Enumerable.Repeat(1L, (int)input.dim() - 1)).ToArray();
        if (!IsFractionOfRange) return torch.full(shape, Value, dtype: input.dtype, device: input.device).MoveToOuterDisposeScope();
        Tensor flat = input.reshape(images, -1);
        Tensor range = flat.max(1).values - flat.min(1).values;
        return (range * Value).reshape(shape).MoveToOuterDisposeScope();
    }
}
