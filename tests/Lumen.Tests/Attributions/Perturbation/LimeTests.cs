using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>
/// LIME on models that look at one known superpixel (the ground truth), and its parts: kernel, seeding, extras.
/// </summary>
public sealed class LimeTests : IDisposable
{
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);

    public static TheoryData<string> Segmentations() => new() { "grid:4", "slic:30", "quickshift:2" };

    /// <summary>The superpixel of <paramref name="segments"/> [1, 1, H, W] with the largest mean value of the image.</summary>
    internal static long BrightestSegment(Tensor image, Tensor segments)
    {
        long count = segments.max().item<long>() + 1;
        var means = Enumerable.Range(0, (int)count).Select(k =>
        {
            using var inside = segments[0, 0].eq(k);
            using var values = image[0, 0].masked_select(inside);
            return values.mean().item<float>();
        }).ToList();
        return means.IndexOf(means.Max());
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void TheSuperpixelTheModelLooksAtGetsTheTopWeightAndTheSurrogateFits(string segmentation)
    {
        using var image = inputs.narrow(0, 1, 1);
        var segmenter = Lumen.Attributions.Perturbation.Segmentations.Parse("segmentation", segmentation);
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(segmenter, image);
        long known = BrightestSegment(image, segments);
        using var region = segments[0, 0].eq(known);
        using var looker = RegionModels.Looking(region, 1);
        var lime = new Lime(looker, segmenter, SuperpixelFill.From(Lumen.Attributions.Gradients.Baseline.Zero), samples: 300, seed: 1);
        using var attribution = lime.Attribute(image, Target.Class(0));

        using var map = attribution.Values[0, 0];
        using var top = map.abs().argmax();
        long topPixel = top.item<long>();
        Assert.Equal(known, segments.flatten()[topPixel].item<long>());
        Assert.True(map.flatten()[topPixel].item<float>() > 0);
        Assert.True(attribution.Extras["r2"][0] > 0.9, $"R² {attribution.Extras["r2"][0]}");
        Assert.Equal(segments.max().item<long>() + 1, (long)attribution.Extras["superpixels"][0]);
        using var inRegion = map.masked_select(region);
        Assert.True((inRegion - inRegion[0]).abs().max().item<float>() == 0, "a superpixel has one weight");
    }

    [Fact]
    public void TopKWithForwardSelectionOrLassoKeepsTheKnownSuperpixel()
    {
        using var image = inputs.narrow(0, 3, 1);
        var grid = new GridSegmentation(4, 4);
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(grid, image);
        long known = BrightestSegment(image, segments);
        using var region = segments[0, 0].eq(known);
        using var looker = RegionModels.Looking(region, 1);
        foreach (var selection in new[] { FeatureSelectionMethod.ForwardSelection, FeatureSelectionMethod.LassoPath, FeatureSelectionMethod.HighestWeights })
        {
            var lime = new Lime(looker, grid, SuperpixelFill.From(Lumen.Attributions.Gradients.Baseline.Zero), samples: 200, features: 1,
                selection: selection, seed: 2, options: new EvaluationOptions { Output = ScoreOutput.Logit });
            using var attribution = lime.Attribute(image, Target.Class(0));
            using var nonZero = attribution.Values.ne(0);
            Assert.True(nonZero.eq(region.reshape(1, 1, 28, 28)).all().item<bool>(), selection.ToString());
            Assert.True(attribution.Extras["r2"][0] > 0.99, $"{selection}: R² {attribution.Extras["r2"][0]}");
        }
    }

    [Fact]
    public void SameSeedSameExplanationWhateverTheBatchAndRealModelGivesFiniteExtras()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var small = new EvaluationOptions { BatchSize = 13, Output = ScoreOutput.Probability };
        using var all = new Lime(model, new SlicSegmentation(20), samples: 60, seed: 5).Attribute(inputs, Target.Predicted);
        using var one = inputs.narrow(0, 2, 1);
        using var alone = new Lime(model, new SlicSegmentation(20), samples: 60, seed: 5, options: small).Attribute(one, Target.Predicted);
        LinearModelTests.AssertClose(all.Values.narrow(0, 2, 1), alone.Values, 1e-5f);
        using var other = new Lime(model, new SlicSegmentation(20), samples: 60, seed: 6).Attribute(one, Target.Predicted);
        Assert.True((other.Values - alone.Values).abs().max().item<float>() > 1e-4f);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, all.Values.shape);
        Assert.All(all.Extras["r2"], r2 => Assert.InRange(r2, -1, 1));
        Assert.All(all.Extras["local_prediction"], p => Assert.InRange(p, -0.5, 1.5));
    }

    [Fact]
    public void KernelAndPatternsFollowLime()
    {
        Assert.Equal(1, Lime.KernelWeight(16, 16, 0.25), 12);
        Assert.Equal(Math.Exp(-2), Lime.KernelWeight(4, 16, 0.25), 12);
        Assert.Equal(Math.Sqrt(Math.Exp(-16)), Lime.KernelWeight(0, 16, 0.25), 12);
        using var model = RegionModels.RegionMean(1, 8, 8, 0, 2, 0, 2);
        using var patterns = new Lime(model, new GridSegmentation(2, 2), samples: 500, seed: 3).Patterns(10);
        Assert.True(patterns[0].eq(1).all().item<bool>());
        Assert.InRange(patterns.mean().item<float>(), 0.45f, 0.55f);
    }

    [Fact]
    public void SegmentMeanFillGivesEverySuperpixelItsMeanColour()
    {
        using var image = torch.arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        using var segments = Lumen.Attributions.Perturbation.Segmentations.Apply(new GridSegmentation(2, 2), image);
        using var fill = SuperpixelFill.SegmentMean.For(image, segments);
        Assert.Equal(new[] { 2.5f, 2.5f, 4.5f, 4.5f, 2.5f, 2.5f, 4.5f, 4.5f, 10.5f, 10.5f, 12.5f, 12.5f, 10.5f, 10.5f, 12.5f, 12.5f }, fill.flatten().data<float>().ToArray());
    }

    public void Dispose() => inputs.Dispose();
}
