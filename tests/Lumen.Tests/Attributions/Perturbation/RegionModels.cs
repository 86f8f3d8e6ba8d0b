using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>Models that look only at known pixels: the ground truth for perturbation methods.</summary>
internal static class RegionModels
{
    /// <summary>
    /// Two logits: class 0 = the mean of the pixels where <paramref name="region"/> [H, W] is 1 (over channels),
    /// class 1 = 0. A linear model, so a superpixel surrogate fits it exactly.
    /// </summary>
    public static ExplainableModel Looking(Tensor region, long channels)
    {
        long height = region.shape[0], width = region.shape[1];
        var linear = nn.Linear(channels * height * width, 2);
        using (no_grad())
        {
            using var weights = region.to_type(ScalarType.Float32).unsqueeze(0).expand(channels, height, width).reshape(-1);
            linear.weight!.zero_();
            linear.weight![0].copy_(weights / weights.sum());
            linear.bias!.zero_();
        }
        var module = nn.Sequential(("flatten", nn.Flatten()), ("fc", linear));
        return new ExplainableModel(module, "region", new[] { channels, height, width });
    }

    /// <summary><see cref="Looking"/> at a rectangle.</summary>
    public static ExplainableModel RegionMean(long channels, long height, long width, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        using var region = zeros(height, width);
        region.narrow(0, rowStart, rowEnd - rowStart).narrow(1, columnStart, columnEnd - columnStart).fill_(1);
        return Looking(region, channels);
    }
}
