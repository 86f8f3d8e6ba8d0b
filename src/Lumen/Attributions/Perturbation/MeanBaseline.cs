using Lumen.Attributions.Gradients;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>Every pixel of each image replaced by that image's mean value per channel (the "mean" occlusion baseline).</summary>
public sealed class MeanBaseline : Baseline
{
    /// <summary>The single instance.</summary>
    public static MeanBaseline Instance { get; } = new();

    private MeanBaseline()
    {
    }

    /// <inheritdoc />
    public override string Description => "mean";

    /// <inheritdoc />
    public override Tensor For(Tensor input)
    {
        using var mean = input.mean(new long[] { 2, 3 }, keepdim: true);
        return mean.expand(input.shape).clone();
    }
}
