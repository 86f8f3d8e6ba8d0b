using Lumen.Attributions.Cam;
using Lumen.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Cam;

/// <summary>
/// FullGrad on a BatchNorm layer: its bias term uses the effective bias β − μ·γ/√(σ² + ε), which is what the layer
/// adds to a zero input, so the term equals the hand computation with b = BN(0).
/// </summary>
public sealed class FullGradBatchNormTests
{
    [Fact]
    public void TheBatchNormTermUsesTheBiasTheLayerAddsToZero()
    {
        manual_seed(31);
        var norm = nn.BatchNorm2d(5);
        using (no_grad())
        {
            norm.running_mean!.copy_(randn(5));
            norm.running_var!.copy_(rand(5) + 0.5);
            norm.weight!.copy_(randn(5));
            norm.bias!.copy_(randn(5));
        }
        using var model = new ExplainableModel(nn.Sequential(
            ("conv", nn.Conv2d(1, 5, 3, padding: 1, bias: false)),
            ("bn", norm),
            ("relu", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(5, 4))), "conv-bn", new long[] { 1, 6, 6 });
        var fullGrad = new FullGrad(model);
        Assert.Equal(new[] { "bn" }, fullGrad.BiasLayers);
        using var input = rand(2, 1, 6, 6, generator: new Generator(seed: 3));
        var target = Target.Class(2);
        using var components = fullGrad.Components(input, target);
        Assert.Equal(new long[] { 2, 2, 6, 6 }, components.shape);

        using var scope = NewDisposeScope();
        Tensor effectiveBias = ((BatchNorm2d)model.ResolveLayer("bn")).call(zeros(1, 5, 1, 1))[0, .., 0, 0];
        using var grad = enable_grad();
        var conv = (nn.Module<Tensor, Tensor>)model.ResolveLayer("conv");
        Tensor normalized = norm.call(conv.call(input)).detach().requires_grad_(true);
        Tensor logits = ((nn.Module<Tensor, Tensor>)model.ResolveLayer("fc")).call(nn.functional.relu(normalized).mean(new long[] { 2, 3 }));
        Tensor gradient = autograd.grad(new[] { logits.select(1, 2).sum() }, new[] { normalized })[0];
        Tensor terms = (gradient * effectiveBias.reshape(1, -1, 1, 1)).abs().reshape(10, 36);
        Tensor shifted = terms - terms.min(1, keepdim: true).values;
        Tensor scaled = shifted / (shifted.max(1, keepdim: true).values + 1e-7);
        Tensor expected = scaled.reshape(2, 5, 6, 6).sum(1);
        LinearModelTests.AssertCloseAcrossKernels(expected, components.select(1, 1));
    }
}
