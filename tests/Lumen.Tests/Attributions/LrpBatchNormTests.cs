using Lumen.Attributions.Relevance;
using Lumen.Models;
using Lumen.Tests.Models.Architectures;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions;

/// <summary>
/// The BatchNorm canonizer: the merged model gives the same logits (within 1e-5), the user's model is not modified,
/// and LRP through conv + BatchNorm equals LRP on a network whose convolutions hold the merged parameters.
/// </summary>
public class LrpBatchNormTests
{
    [Fact]
    public void MergingLeavesTheOutputsUnchangedAndTheModelUntouched()
    {
        using var model = BatchNormNetwork(3, out _);
        var before = model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var input = torch.randn(4, 3, 10, 10);
        using var canonical = new CanonizedModel(model, new[] { new MergeBatchNorm() });
        using var expected = model.Predict(input);
        using (torch.no_grad())
        {
            using var merged = canonical.Forward(input);
            float difference = (merged - expected).abs().max().item<float>();
            Assert.True(difference <= 1e-5f * Math.Max(1f, expected.abs().max().item<float>()), $"merged logits differ by {difference}");
        }
        using var result = new Lrp(model).Explain(input, Target.Predicted);
        foreach (var (key, value) in model.Module.state_dict())
            Assert.True(before[key].eq(value).all().item<bool>(), $"{key} changed");
        Assert.False(model.Module.training);
    }

    [Fact]
    public void LrpThroughBatchNormEqualsLrpOnTheMergedNetwork()
    {
        using var model = BatchNormNetwork(5, out var merged);
        using var input = torch.randn(2, 3, 10, 10);
        var composite = Composites.EpsilonGammaBox(torch.tensor(-3f), torch.tensor(3f));
        using var withNorm = new Lrp(model, composite).Explain(input, Target.Class(1));
        using var reference = new Lrp(merged, composite).Explain(input, Target.Class(1));
        LinearModelTests.AssertClose(reference.Attribution.Values, withNorm.Attribution.Values, 1e-5f * reference.Attribution.Values.abs().max().item<float>());
        merged.Dispose();
    }

    [Fact]
    public void ABatchNormThatDoesNotFollowAConvolutionStaysAnAffineLayer()
    {
        var module = nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("relu", nn.ReLU()), ("bn", nn.BatchNorm2d(2)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, 2)));
        using var model = new ExplainableModel(module, "bn-after-relu", new long[] { 1, 4, 4 });
        using var canonical = new CanonizedModel(model, new[] { new MergeBatchNorm() });
        Assert.Null(canonical.AbsorbedInto(model.ResolveLayer("bn")));
        Assert.False(canonical.IsReplaced(model.ResolveLayer("conv")));
    }

    /// <summary>conv → BN → ReLU → conv → BN → ReLU → GAP → flatten → linear with random statistics, and the same network with merged convolutions.</summary>
    private static ExplainableModel BatchNormNetwork(int seed, out ExplainableModel merged)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(3, 8, 3, padding: 1)),
            ("bn1", nn.BatchNorm2d(8)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(8, 8, 3, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(8)),
            ("relu2", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(8, 3)));
        ArchitectureTestSupport.RandomizeBatchNorms(module, seed);
        var model = new ExplainableModel(module, "bn-net", new long[] { 3, 10, 10 });
        var mergedModule = nn.Sequential(
            ("conv1", nn.Conv2d(3, 8, 3, padding: 1)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(8, 8, 3, padding: 1)),
            ("relu2", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(8, 3)));
        using (torch.no_grad())
        {
            foreach (var (conv, norm, target) in new[] { ("conv1", "bn1", "conv1"), ("conv2", "bn2", "conv2") })
            {
                var source = (TorchSharp.Modules.Conv2d)model.ResolveLayer(conv);
                var parameters = MergeBatchNorm.Merged(new LayerParameters(source.weight!.detach(), source.bias?.detach()), (TorchSharp.Modules.BatchNorm)model.ResolveLayer(norm));
                var destination = (TorchSharp.Modules.Conv2d)mergedModule.named_children().First(c => c.name == target).module;
                destination.weight!.copy_(parameters.Weight!);
                destination.bias!.copy_(parameters.Bias!);
            }
            var fc = (TorchSharp.Modules.Linear)model.ResolveLayer("fc");
            var mergedFc = (TorchSharp.Modules.Linear)mergedModule.named_children().First(c => c.name == "fc").module;
            mergedFc.weight!.copy_(fc.weight!);
            mergedFc.bias!.copy_(fc.bias!);
        }
        merged = new ExplainableModel(mergedModule, "merged", new long[] { 3, 10, 10 });
        return model;
    }
}
