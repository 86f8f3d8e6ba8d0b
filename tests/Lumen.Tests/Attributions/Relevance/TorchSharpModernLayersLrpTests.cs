using Lumen.Attributions.Relevance;
using Lumen.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Relevance;

/// <summary>
/// LRP on a hand-built TorchSharp network with the modules modern CNNs use (SiLU, Hardswish, GELU, depthwise
/// convolution, a pre-activation BatchNorm that cannot be merged, LayerNorm, average pooling): without biases, LRP-ε
/// with ε → 0 equals gradient × input of the same network with every gate held constant (SiLU, Hardswish and GELU as
/// x · g(x) with g detached, LayerNorm's standard deviation detached), computed here by a separate forward pass.
/// </summary>
public sealed class TorchSharpModernLayersLrpTests
{
    private readonly ITestOutputHelper output;

    public TorchSharpModernLayersLrpTests(ITestOutputHelper output) => this.output = output;

    private static Sequential BiasFreeNetwork(int seed)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(3, 8, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(8)),
            ("silu", nn.SiLU()),
            ("depthwise", nn.Conv2d(8, 8, 3, padding: 1, groups: 8, bias: false)),
            ("hardswish", nn.Hardswish()),
            ("conv2", nn.Conv2d(8, 8, 1, bias: false)),
            ("relu", nn.ReLU()),
            ("bn2", nn.BatchNorm2d(8)),
            ("pool", nn.AvgPool2d(2)),
            ("conv3", nn.Conv2d(8, 8, 3, padding: 1, bias: false)),
            ("gelu", nn.GELU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(8, 16, hasBias: false)),
            ("norm", nn.LayerNorm(16)),
            ("gelu2", nn.GELU()),
            ("fc2", nn.Linear(16, 4, hasBias: false)));
        using (torch.no_grad())
        {
            foreach (var (_, child) in module.named_children())
            {
                if (child is BatchNorm2d bn)
                {
                    bn.weight!.uniform_(0.8, 1.2);
                    bn.running_var!.uniform_(0.5, 2.0);
                    bn.bias!.zero_();
                    bn.running_mean!.zero_();
                }
                else if (child is LayerNorm ln)
                {
                    ln.weight!.uniform_(0.5, 1.5);
                    ln.bias!.zero_();
                }
            }
        }
        module.eval();
        return module;
    }

    /// <summary>The network's logits with every gate and LayerNorm's standard deviation detached.</summary>
    private static Tensor DetachedGates(Sequential module, Tensor x)
    {
        Tensor h = x;
        foreach (var (_, child) in module.named_children())
        {
            h = child switch
            {
                SiLU => h * h.sigmoid().detach(),
                Hardswish => h * nn.functional.hardsigmoid(h).detach(),
                GELU => h * (0.5 * (1 + (h / Math.Sqrt(2)).erf())).detach(),
                LayerNorm ln => (h - h.mean(new long[] { -1 }, keepdim: true)) / (h.var(-1, unbiased: false, keepdim: true) + ln.eps).sqrt().detach() * ln.weight!,
                _ => ((nn.Module<Tensor, Tensor>)child).call(h),
            };
        }
        return h;
    }

    [Fact]
    public void EpsilonEqualsGradientTimesInputWithGatesHeldConstant()
    {
        using var scope = torch.NewDisposeScope();
        var module = BiasFreeNetwork(5);
        using var model = new ExplainableModel(module, "modern-layers", new long[] { 3, 8, 8 });
        Tensor input = torch.rand(2, 3, 8, 8, generator: new Generator(6));

        Tensor leaf = input.clone().requires_grad_(true);
        Tensor logits = DetachedGates(module, leaf);
        logits[.., 3].sum().backward();
        Tensor expected = (leaf.grad! * input).detach();
        Assert.True((logits.detach() - model.Predict(input)).abs().max().item<float>() <= 1e-5, "detaching gates must not change the forward values");

        using var result = new Lrp(model, ModernCnnLrpTests.EpsilonEverywhere()).Explain(input, Target.Class(3));
        double error = (result.Attribution.Values - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"relative L2 error {error:E2}");
        // float32 through 17 layers, ε = 1e-9: rounding only.
        Assert.True(error <= 1e-4, $"LRP differs from gradient x input by {error:E2}");
        for (int n = 0; n < 2; n++)
        {
            double logit = logits[n, 3].item<float>();
            Assert.True(Math.Abs(result.Conservation.InputRelevance[n] - logit) <= 1e-4 * Math.Abs(logit), $"image {n}: input relevance {result.Conservation.InputRelevance[n]} vs logit {logit}");
        }
    }

    [Fact]
    public void TheDefaultCompositeRunsOnTheModernLayers()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ExplainableModel(BiasFreeNetwork(7), "modern-layers", new long[] { 3, 8, 8 });
        using var result = new Lrp(model).Explain(torch.rand(2, 3, 8, 8), Target.Predicted);
        Assert.True(result.Attribution.Values.isfinite().all().item<bool>());
    }

    [Fact]
    public void ALayerWithoutARuleIsRefusedWithTheSupportedList()
    {
        var module = nn.Sequential(("conv", nn.Conv2d(1, 4, 3)), ("act", nn.ELU()), ("flatten", nn.Flatten()), ("fc", nn.Linear(4 * 4 * 4, 3)));
        using var model = new ExplainableModel(module, "elu-net", new long[] { 1, 6, 6 });
        var error = Assert.Throws<LumenException>(() => new Lrp(model));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("'act' (ELU)", error.Message);
        Assert.Contains("LayerNorm", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
