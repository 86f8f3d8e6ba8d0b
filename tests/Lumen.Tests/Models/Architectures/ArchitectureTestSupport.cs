using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Models.Architectures;

/// <summary>Helpers shared by the architecture tests.</summary>
internal static class ArchitectureTestSupport
{
    /// <summary>Key -> shape of a model's state_dict.</summary>
    public static SortedDictionary<string, string> KeyShapes(nn.Module model) =>
        new(model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape)), StringComparer.Ordinal);

    /// <summary>Describes how two key/shape sets differ (empty when equal).</summary>
    public static string Difference(IDictionary<string, string> expected, IDictionary<string, string> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        var shape = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k])
            .Select(k => $"{k}: {expected[k]} vs {actual[k]}").ToList();
        if (missing.Count + extra.Count + shape.Count == 0)
            return "";
        return $"missing [{string.Join(", ", missing.Take(20))}] extra [{string.Join(", ", extra.Take(20))}] shape [{string.Join(", ", shape.Take(20))}]";
    }

    /// <summary>Gives every BatchNorm non-trivial statistics and affine parameters so that eval() really exercises them.</summary>
    public static void RandomizeBatchNorms(nn.Module model, int seed)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, m) in model.named_modules())
        {
            if (m is not TorchSharp.Modules.BatchNorm2d bn)
                continue;
            bn.weight!.uniform_(0.5, 1.5, generator);
            bn.bias!.uniform_(-0.2, 0.2, generator);
            bn.running_mean!.uniform_(-0.2, 0.2, generator);
            bn.running_var!.uniform_(0.5, 1.5, generator);
        }
    }

    /// <summary>
    /// Redraws every convolution and linear layer's weight and bias from a private generator, uniform in ±1/√fan-in
    /// (PyTorch's default bounds). Tests run in parallel, so weights drawn from the global generator after
    /// <c>torch.manual_seed</c> can differ between runs when another test draws at the same time; this does not.
    /// </summary>
    public static void RandomizeWeights(nn.Module model, int seed)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, m) in model.named_modules())
        {
            var (weight, bias) = m switch
            {
                TorchSharp.Modules.Conv2d conv => (conv.weight, conv.bias),
                TorchSharp.Modules.Linear linear => (linear.weight, linear.bias),
                _ => (null, null),
            };
            if (weight is null)
                continue;
            double bound = 1 / Math.Sqrt(weight.numel() / weight.shape[0]);
            weight.uniform_(-bound, bound, generator);
            bias?.uniform_(-bound, bound, generator);
        }
    }
}
