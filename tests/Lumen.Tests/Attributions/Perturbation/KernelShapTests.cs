using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>KernelSHAP: the known superpixel, exact Shapley values of a linear model, efficiency, the kernel.</summary>
public sealed class KernelShapTests : IDisposable
{
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);

    public static TheoryData<string> Segmentations() => new() { "grid:4", "slic:30" };

    /// <summary>One φ per superpixel, read from the map at the superpixel's first pixel.</summary>
    private static double[] PerSuperpixel(Tensor map, Tensor segments)
    {
        var ids = segments.flatten().data<long>().ToArray();
        var values = map.flatten().data<float>().ToArray();
        int count = (int)ids.Max() + 1;
        return Enumerable.Range(0, count).Select(k => (double)values[Array.IndexOf(ids, (long)k)]).ToArray();
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void TheKnownSuperpixelGetsTheTopValueAndValuesSumToTheChangeOfScore(string segmentation)
    {
        using var image = inputs.narrow(0, 1, 1);
        var segmenter = Lumen.Attributions.Perturbation.Segmentations.Parse("segmentation", segmentation);
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(segmenter, image);
        long known = LimeTests.BrightestSegment(image, segments);
        using var region = segments[0, 0].eq(known);
        using var looker = RegionModels.Looking(region, 1);
        var shap = new KernelShap(looker, segmenter, samples: 200, seed: 1);
        using var attribution = shap.Attribute(image, Target.Class(0));
        double[] phi = PerSuperpixel(attribution.Values[0], segments);
        Assert.Equal(known, Array.IndexOf(phi, phi.Max()));
        Assert.True(attribution.Extras["r2"][0] > 0.9, $"R² {attribution.Extras["r2"][0]}");
        using var masked = image[0, 0].masked_select(region);
        double expected = masked.mean().item<float>();
        Assert.Equal(expected, phi.Sum(), 4);
        Assert.Equal(expected, attribution.Extras["output_value"][0] - attribution.Extras["base_value"][0], 4);
    }

    [Fact]
    public void LinearModelGetsItsExactShapleyValues()
    {
        using var linear = LinearModels.Linear(2, 8, 8, 3);
        using var x = torch.rand(2, 2, 8, 8, generator: new torch.Generator(9));
        var grid = new GridSegmentation(3, 3);
        var fill = SuperpixelFill.From(Baseline.Constant(0.5));
        using var attribution = new KernelShap(linear, grid, fill, samples: 60, seed: 4).Attribute(x, Target.Class(2));
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(grid, x);
        using var contribution = ((x - 0.5) * LinearModels.Weights(linear)[2].reshape(1, 2, 8, 8)).sum(1);
        for (int n = 0; n < 2; n++)
        {
            double[] phi = PerSuperpixel(attribution.Values[n], segments[n]);
            var ids = segments[n].flatten().data<long>().ToArray();
            var c = contribution[n].flatten().data<float>().ToArray();
            for (int k = 0; k < 9; k++)
                Assert.Equal(Enumerable.Range(0, 64).Where(p => ids[p] == k).Sum(p => (double)c[p]), phi[k], 4);
            Assert.Equal(1, attribution.Extras["r2"][n], 6);
        }
    }

    [Fact]
    public void OnTheReferenceCnnValuesSumToTheScoreMinusTheScoreOfTheBlankImage()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var slic = new SlicSegmentation(20);
        using var attribution = new KernelShap(model, slic, samples: 80, seed: 2, options: new EvaluationOptions { BatchSize = 17 }).Attribute(inputs, Target.Predicted);
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(slic, inputs);
        using var blank = model.Predict(torch.zeros(1, 1, 28, 28));
        using var logits = model.Predict(inputs);
        for (int n = 0; n < 4; n++)
        {
            int predicted = Fixtures.ReferenceTargets[n];
            double[] phi = PerSuperpixel(attribution.Values[n], segments[n]);
            double change = logits[n, predicted].item<float>() - blank[0, predicted].item<float>();
            Assert.Equal(change, phi.Sum(), 3);
            Assert.Equal(blank[0, predicted].item<float>(), attribution.Extras["base_value"][n], 4);
        }
        using var again = new KernelShap(model, slic, samples: 80, seed: 2).Attribute(inputs, Target.Predicted);
        LinearModelTests.AssertClose(again.Values, attribution.Values, 1e-5f);
    }

    [Fact]
    public void CoalitionSizesFollowTheShapleyKernel()
    {
        Assert.Equal(0.25, ShapleyRegression.KernelWeight(1, 4), 12);
        Assert.Equal(3.0 / (6 * 2 * 2), ShapleyRegression.KernelWeight(2, 4), 12);
        Assert.True(double.IsPositiveInfinity(ShapleyRegression.KernelWeight(0, 4)));
        using var model = RegionModels.RegionMean(1, 8, 8, 0, 2, 0, 2);
        using var coalitions = new KernelShap(model, new GridSegmentation(2, 3), samples: 12000, seed: 3).Coalitions(6);
        Assert.True(coalitions[0].eq(0).all().item<bool>());
        var sizes = coalitions.narrow(0, 1, 12000).sum(dim: 1).data<float>().Select(s => (int)s).ToArray();
        double total = Enumerable.Range(1, 5).Sum(k => 1.0 / (k * (6 - k)));
        for (int k = 1; k <= 5; k++)
            Assert.InRange(sizes.Count(s => s == k) / 12000.0, 1.0 / (k * (6 - k)) / total - 0.02, 1.0 / (k * (6 - k)) / total + 0.02);
        using var pairs = coalitions[1] + coalitions[2];
        Assert.True(pairs.eq(1).all().item<bool>(), "each coalition is followed by its complement");
    }

    public void Dispose() => inputs.Dispose();
}
