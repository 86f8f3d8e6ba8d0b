using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Models.Architectures;

/// <summary>
/// Every ReLU application and every residual addition is a module of its own that a forward hook sees exactly once.
/// </summary>
public class HookCoverageTests
{
    // Expected counts, from the architectures:
    // resnet18: stem 1 + 8 basic blocks x 2 = 17 ReLUs; one addition per block = 8.
    // resnet34: 1 + 16 x 2 = 33; 16.
    // resnet50: stem 1 + 16 bottlenecks x 3 = 49 ReLUs; 16 additions.
    // vgg16: 13 convolutions + 2 hidden classifier layers = 15 ReLUs (same with BatchNorm).
    // alexnet: 5 convolutions + 2 classifier layers = 7.
    // mobilenet_v2: features.0 1 + block 1 (no expansion) 1 + blocks 2..17 x 2 = 32 + features.18 1 = 35 ReLU6;
    //   additions where stride 1 and channels kept: 24:1, 32:2, 64:3, 96:2, 160:2 = 10.
    [Theory]
    [InlineData("resnet18", 17, 8)]
    [InlineData("resnet34", 33, 16)]
    [InlineData("resnet50", 49, 16)]
    [InlineData("vgg16", 15, 0)]
    [InlineData("vgg16_bn", 15, 0)]
    [InlineData("alexnet", 7, 0)]
    [InlineData("mobilenet_v2", 35, 10)]
    public void EveryReluAndAdditionFiresOnce(string name, int relus, int additions)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ModelCatalog.Find(name).Create(10);
        model.eval();

        var calls = new Dictionary<string, int>(StringComparer.Ordinal);
        int reluModules = 0, additionModules = 0;
        foreach (var (path, module) in model.named_modules())
        {
            string key = path;
            switch (module)
            {
                case TorchSharp.Modules.ReLU or TorchSharp.Modules.ReLU6:
                    reluModules++;
                    calls[key] = 0;
                    ((nn.Module<Tensor, Tensor>)module).register_forward_hook((_, _, output) =>
                    {
                        calls[key]++;
                        return output;
                    });
                    break;
                case Addition addition:
                    additionModules++;
                    calls[key] = 0;
                    addition.register_forward_hook((_, _, _, output) =>
                    {
                        calls[key]++;
                        return output;
                    });
                    break;
            }
        }

        using var x = torch.randn(1, 3, 64, 64);
        using var noGrad = torch.no_grad();
        using var y = model.call(x);

        Assert.Equal(relus, reluModules);
        Assert.Equal(additions, additionModules);
        var wrong = calls.Where(kv => kv.Value != 1).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        Assert.True(wrong.Count == 0, $"hooks not fired exactly once: {string.Join(", ", wrong)}");
        if (name == "mobilenet_v2")
            Assert.All(calls.Keys, k => Assert.DoesNotContain(".relu", k));
    }

    [Fact]
    public void ResNetModuleNamesFollowTheDocumentedScheme()
    {
        using var basic = ModelCatalog.Find("resnet18").Create(10);
        var names = basic.named_modules().Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[]
                 {
                     "conv1", "bn1", "relu", "maxpool", "avgpool", "fc",
                     "layer1.0.relu", "layer1.0.add", "layer1.0.relu2", "layer2.0.downsample.0", "layer4.1.relu2",
                 })
            Assert.Contains(expected, names);
        Assert.IsType<BasicBlock>(basic.named_modules().Single(m => m.name == "layer4.1").module);

        using var bottleneck = ModelCatalog.Find("resnet50").Create(10);
        names = bottleneck.named_modules().Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[] { "layer1.0.relu", "layer1.0.relu2", "layer1.0.add", "layer1.0.relu3", "layer1.0.downsample.1" })
            Assert.Contains(expected, names);
        Assert.IsType<Bottleneck>(bottleneck.named_modules().Single(m => m.name == "layer4.2").module);

        using var mobile = ModelCatalog.Find("mobilenet_v2").Create(10);
        names = mobile.named_modules().Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[] { "features.0.2", "features.1.conv.0.2", "features.2.conv.1.2", "features.3.add", "avgpool", "classifier.1" })
            Assert.Contains(expected, names);
        Assert.DoesNotContain("features.2.add", names);
    }

    /// <summary>A hook's return value replaces the module's output, so hooks can reroute the residual sum.</summary>
    [Fact]
    public void AdditionHookOutputFlowsOnAndGradientsReachTheInput()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ModelCatalog.Find("resnet18").Create(10);
        model.eval();
        var x = torch.randn(1, 3, 64, 64).requires_grad_(true);
        model.call(x).sum().backward();
        Assert.True(x.grad is not null && x.grad.abs().sum().item<float>() > 0, "no gradient reached the input");

        var last = (Addition)model.named_modules().Single(m => m.name == "layer4.1.add").module;
        var handle = last.register_forward_hook((_, _, _, output) => torch.zeros_like(output));
        using var noGrad = torch.no_grad();
        var logits = model.call(x);
        var fcBias = model.state_dict()["fc.bias"];
        Assert.True(logits[0].allclose(fcBias, rtol: 0, atol: 1e-6), "the hook's zeros did not reach fc");
        handle.remove();
        Assert.False(model.call(x)[0].allclose(fcBias, rtol: 0, atol: 1e-6), "removing the hook had no effect");
    }

    [Fact]
    public void EvalPropagatesToEveryModule()
    {
        using var model = ModelCatalog.Find("mobilenet_v2").Create(10);
        Assert.All(model.modules(), m => Assert.True(m.training));
        model.eval();
        Assert.All(model.modules(), m => Assert.False(m.training));
    }
}
