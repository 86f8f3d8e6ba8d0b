using Lumen.Attributions.Relevance;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Tests.Models.Architectures;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Attributions;

/// <summary>
/// LRP on Lumen's TorchVision-compatible architectures at 64x64 (random weights, random BatchNorm statistics):
/// residual additions, downsample shortcuts and BatchNorm merging in resnet18, BatchNorm and dropout in vgg16_bn.
/// These build large models (vgg16_bn holds 138 M parameters), so they run alone, after the parallel tests, and do
/// not disturb tests that measure the process's memory.
/// </summary>
[Collection(SerialCollection.Name)]
public class LrpArchitectureTests
{
    private readonly ITestOutputHelper output;

    public LrpArchitectureTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void ResNet18ConservesRelevanceThroughTheResidualSums()
    {
        torch.manual_seed(11);
        var module = ResNet.ResNet18(10);
        ArchitectureTestSupport.RandomizeBatchNorms(module, 11);
        using var model = new ExplainableModel(module, "resnet18", new long[] { 3, 64, 64 });
        using var input = torch.randn(2, 3, 64, 64);
        using var epsilon = new Lrp(model, Composites.Epsilon(1e-9)).Explain(input, Target.Predicted, layerSums: true);
        using var logits = model.Predict(input);
        var fc = (TorchSharp.Modules.Linear)model.ResolveLayer("fc");
        for (int n = 0; n < 2; n++)
        {
            // Every BatchNorm bias becomes a merged convolution bias, so the relevance reaching the input is not the
            // logit; but the residual sums split relevance without loss: what enters each block's sum leaves it.
            var layers = epsilon.Conservation.Layers;
            double logit = logits[n, epsilon.Attribution.Targets[n]].item<float>();
            Assert.Equal(logit, layers.Single(l => l.Layer == "fc").Sums[n], 3);
            double intoFc = layers.Single(l => l.Layer == "avgpool").Sums[n];
            double fcBias = fc.bias![epsilon.Attribution.Targets[n]].item<float>();
            Assert.True(Math.Abs(intoFc - (logit - fcBias)) <= 1e-3 * Math.Max(1, Math.Abs(logit)), $"fc: {intoFc} vs {logit - fcBias}");
            output.WriteLine($"image {n}: logit {logit:G5}, input relevance {epsilon.Conservation.InputRelevance[n]:G5}");
        }
        Assert.Contains(epsilon.Conservation.Layers, l => l.Layer == "layer2.0.add");

        using var flat = new Lrp(model).Explain(input, Target.Predicted);
        Assert.Equal(-1, flat.Attribution.FirstNonFiniteImage());
        Assert.True(flat.Attribution.Values.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ResNet18WithoutBiasesConservesTheLogit()
    {
        torch.manual_seed(12);
        var module = ResNet.ResNet18(10);
        using var model = new ExplainableModel(module, "resnet18", new long[] { 3, 64, 64 });
        using (torch.no_grad()) ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).bias!.zero_();
        using var input = torch.randn(1, 3, 64, 64);
        using var result = new Lrp(model, Composites.Epsilon(1e-12)).Explain(input, Target.Predicted);
        double logit = result.Conservation.OutputRelevance[0];
        double error = Math.Abs(result.Conservation.InputRelevance[0] - logit) / Math.Abs(logit);
        output.WriteLine($"resnet18 (BatchNorm at init, no biases): logit {logit:G6}, input relevance {result.Conservation.InputRelevance[0]:G6}, relative error {error:E2}");
        Assert.True(error <= 1e-4, $"relative conservation error {error:E2}");
    }

    [Fact]
    public void Vgg16BnRunsWithEveryComposite()
    {
        torch.manual_seed(13);
        var module = Vgg.Vgg16(10, batchNorm: true);
        ArchitectureTestSupport.RandomizeBatchNorms(module, 13);
        using var model = new ExplainableModel(module, "vgg16_bn", new long[] { 3, 64, 64 });
        using var input = torch.randn(1, 3, 64, 64);
        var (low, high) = LrpSettings.DefaultBounds(model);
        foreach (string name in Composites.Names)
        {
            using var result = new Lrp(model, Composites.ByName(name, 1e-6, 0.25, low - 3, high + 3)).Explain(input, Target.Predicted);
            Assert.Equal(-1, result.Attribution.FirstNonFiniteImage());
            Assert.Equal(new long[] { 1, 3, 64, 64 }, result.Attribution.Values.shape);
            output.WriteLine($"vgg16_bn {name}: output relevance {result.Conservation.OutputRelevance[0]:G5}, input relevance {result.Conservation.InputRelevance[0]:G5}");
        }
    }
}
