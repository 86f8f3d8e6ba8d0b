using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Models;

/// <summary>Small models with known weights, whose attributions have closed forms.</summary>
internal static class LinearModels
{
    /// <summary>flatten -> linear(C*H*W -> classes) with seeded random weights.</summary>
    public static ExplainableModel Linear(long channels, long height, long width, int classes, int seed = 1)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(channels * height * width, classes)));
        return new ExplainableModel(module, "linear", new[] { channels, height, width });
    }

    /// <summary>The weight matrix [classes, C*H*W] of <see cref="Linear"/>.</summary>
    public static Tensor Weights(ExplainableModel model) => ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).weight!.detach();

    /// <summary>conv(1x1) -> global average pool -> flatten -> linear: a GAP + linear classifier head.</summary>
    public static ExplainableModel GapLinear(long channels, long size, long features, int classes, int seed = 2)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("conv", nn.Conv2d(channels, features, 1)),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(features, classes)));
        return new ExplainableModel(module, "gap-linear", new[] { channels, size, size });
    }
}
