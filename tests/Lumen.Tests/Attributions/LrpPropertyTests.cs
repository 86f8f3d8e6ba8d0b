using Lumen.Attributions.Relevance;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Properties every LRP implementation must have: conservation (input relevance sums to the logit for ε → 0 and no
/// biases, within 1e-4 relative), non-negative ZPlus relevance, a given initial relevance, and refusals.
/// </summary>
public class LrpPropertyTests
{
    private readonly ITestOutputHelper output;

    public LrpPropertyTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void EpsilonConservesRelevanceOnRandomBiasFreeNetworks(int seed)
    {
        using var model = RandomNetwork(seed, bias: false);
        using var input = torch.randn(3, 2, 12, 12, generator: new Generator((ulong)seed));
        var composite = new CompositeBuilder()
            .Add(LayerSelector.OfType(typeof(TorchSharp.Modules.Conv2d), typeof(TorchSharp.Modules.Linear)), new Epsilon(1e-12))
            .Add(LayerSelector.OfType(typeof(TorchSharp.Modules.AvgPool2d), typeof(TorchSharp.Modules.AdaptiveAvgPool2d)), new Norm(1e-12))
            .Build("epsilon-to-zero");
        using var result = new Lrp(model, composite).Explain(input, Target.Predicted, layerSums: true);
        using var logits = model.Predict(input);
        for (int n = 0; n < 3; n++)
        {
            double logit = logits[n, result.Attribution.Targets[n]].item<float>();
            double error = Math.Abs(result.Conservation.InputRelevance[n] - logit) / Math.Abs(logit);
            output.WriteLine($"seed {seed} image {n}: logit {logit:G6}, input relevance {result.Conservation.InputRelevance[n]:G6}, relative error {error:E2}");
            // The logit comes from a plain forward pass, the output relevance from LRP's hooked pass with gradients: other
            // kernels, so a relative bound (xunit's 5 decimal places would compare rounded values, flaky near a boundary).
            Assert.True(Math.Abs(result.Conservation.OutputRelevance[n] - logit) <= LinearModelTests.AcrossKernels * Math.Abs(logit), $"output relevance {result.Conservation.OutputRelevance[n]} vs logit {logit}");
            Assert.True(error <= 1e-4, $"relative conservation error {error:E2}");
            foreach (var layer in result.Conservation.Layers)
                Assert.True(Math.Abs(layer.Sums[n] - logit) <= 1e-4 * Math.Abs(logit), $"layer {layer.Layer}: {layer.Sums[n]} vs {logit}");
        }
        Assert.Equal(result.Conservation.InputRelevance, result.Attribution.Extras["relevance_input"]);
    }

    [Fact]
    public void ZPlusRelevanceIsNonNegative()
    {
        using var model = RandomNetwork(7, bias: true);
        var composite = new CompositeBuilder().Add(LayerSelector.OfType(typeof(TorchSharp.Modules.Conv2d), typeof(TorchSharp.Modules.Linear)), new ZPlus()).Build("zplus");
        using var input = torch.randn(4, 2, 12, 12);
        using var initial = torch.rand(4, 5);
        using var result = new Lrp(model, composite).Explain(input, Target.Predicted, initial);
        Assert.True(result.Attribution.Values.min().item<float>() >= 0, "ZPlus produced negative relevance");
        Assert.True(result.Attribution.Values.sum().item<float>() > 0);
        for (int n = 0; n < 4; n++)
            Assert.Equal(initial[n].sum().item<float>(), result.Conservation.OutputRelevance[n], 5);
    }

    [Fact]
    public void AlphaBetaNeedsAlphaMinusBetaToBeOne()
    {
        var error = Assert.Throws<LumenException>(() => new AlphaBeta(2, 2));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal(1, AlphaBeta.Alpha1Beta0.Alpha);
    }

    [Fact]
    public void AnUnsupportedLayerIsRefusedByName()
    {
        var module = nn.Sequential(("conv", nn.Conv2d(1, 4, 3)), ("act", nn.Softplus()), ("flatten", nn.Flatten()), ("fc", nn.Linear(4 * 4 * 4, 3)));
        using var model = new ExplainableModel(module, "softplus-net", new long[] { 1, 6, 6 });
        var error = Assert.Throws<LumenException>(() => new Lrp(model));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("'act' (Softplus)", error.Message);
    }

    [Fact]
    public void AContainerWithItsOwnForwardIsRefusedUnlessTrusted()
    {
        using var model = new ExplainableModel(new Opaque(), "opaque", new long[] { 1, 4, 4 });
        var error = Assert.Throws<LumenException>(() => new Lrp(model));
        Assert.Contains("Opaque", error.Message);
        using var input = torch.rand(2, 1, 4, 4);
        using var result = new Lrp(model, Composites.Epsilon(), trustedContainers: new[] { typeof(Opaque) }).Explain(input, Target.Class(0));
        Assert.Equal(new long[] { 2, 1, 4, 4 }, result.Attribution.Values.shape);
    }

    /// <summary>conv → ReLU → max-pool → conv → ReLU → avg-pool → conv → ReLU → GAP → flatten → linear, seeded.</summary>
    internal static ExplainableModel RandomNetwork(int seed, bool bias)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(2, 6, 3, padding: 1, bias: bias)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(6, 8, 3, padding: 1, bias: bias)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.AvgPool2d(2)),
            ("conv3", nn.Conv2d(8, 8, 3, padding: 1, bias: bias)),
            ("relu3", nn.ReLU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(8, 5, hasBias: bias)));
        return new ExplainableModel(module, "random", new long[] { 2, 12, 12 });
    }

    private sealed class Opaque : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Flatten flatten = nn.Flatten();
        private readonly TorchSharp.Modules.Linear fc = nn.Linear(16, 2);

        public Opaque() : base(nameof(Opaque)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.call(flatten.call(x));
    }
}
