using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Data;
using Lumen.Evaluation;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class FaithfulnessTests
{
    private readonly ITestOutputHelper output;

    public FaithfulnessTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Fashion-MNIST test images 0..7 (0..3 are the reference inputs), [8, 1, 28, 28] in [0, 1].</summary>
    internal static Tensor ReferenceImages()
    {
        using var dataset = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        return dataset.LoadPixels(0, 8);
    }

    [Fact]
    public void DeletionAreaOfGradcamLrpAndOcclusionIsBelowRandomOnEveryReferenceImage()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var scope = NewDisposeScope();
        Tensor input = ReferenceImages();
        var options = new MethodOptions("conv3");
        // Occlusion with an 8-pixel window (stride 4): its default at 28 x 28, 2 pixels, scores single strokes and
        // deletes image 0 no faster than random pixels (area 0.362 against 0.277).
        var occlusionOptions = new MethodOptions("conv3", new Dictionary<string, string> { ["window"] = "8" });
        var areas = new Dictionary<string, double[]>();
        foreach (string name in new[] { "random", "gradcam", "lrp", "occlusion" })
        {
            using var attribution = EvaluationMethods.Build(name, model, name == "occlusion" ? occlusionOptions : options).Attribute(input, Target.Predicted);
            Tensor relevance = PixelRelevance.Of(attribution, 28, 28);
            areas[name] = Faithfulness.Deletion(model, input, Target.Predicted, relevance, new FaithfulnessOptions()).Select(c => c.Value).ToArray();
            output.WriteLine($"{name,-10} " + string.Join(" ", areas[name].Select(a => a.ToString("F3"))));
        }
        foreach (string name in new[] { "gradcam", "lrp", "occlusion" })
            for (int image = 0; image < 8; image++)
                Assert.True(areas[name][image] < areas["random"][image], $"{name} image {image}: {areas[name][image]:F3} vs random {areas["random"][image]:F3}");
    }

    [Fact]
    public void RanksOrderPixelsAndRegionsByRelevance()
    {
        using var scope = NewDisposeScope();
        Tensor relevance = torch.tensor(new float[] { 1, 5, 3, 0, 2, 4, 9, 8, 7 }).reshape(1, 3, 3);
        var (ranks, units) = PixelRelevance.Ranks(relevance);
        Assert.Equal(9, units);
        Assert.Equal(new long[] { 7, 3, 5, 8, 6, 4, 0, 1, 2 }, ranks.data<long>().ToArray());
        var (ascending, _) = PixelRelevance.Ranks(relevance, ascending: true);
        Assert.Equal(new long[] { 1, 5, 3, 0, 2, 4, 8, 7, 6 }, ascending.data<long>().ToArray());
        // Regions of 2: {1,5,0,2}=8, {3,4}=7, {9,8}=17, {7}=7; ties keep reading order.
        var (regions, count) = PixelRelevance.Ranks(relevance, region: 2);
        Assert.Equal(4, count);
        Assert.Equal(new long[] { 1, 1, 2, 1, 1, 2, 0, 0, 3 }, regions.data<long>().ToArray());
    }

    [Fact]
    public void CurveStartsAtTheInputAndEndsAtTheReplacement()
    {
        using var scope = NewDisposeScope();
        Tensor input = torch.ones(1, 1, 2, 3);
        Tensor replaced = torch.zeros(1, 1, 2, 3);
        var (ranks, units) = PixelRelevance.Ranks(torch.tensor(new float[] { 6, 5, 4, 3, 2, 1 }).reshape(1, 2, 3));
        var copies = new CurvePerturbations(input, replaced, ranks, units, step: 4);
        Assert.Equal(3, copies.PerImage);
        Tensor built = copies.Build(0, 0, 3).reshape(3, 6);
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0 }, built.data<float>().ToArray());
    }

    [Fact]
    public void AreaAndAopcFollowTheirDefinitions()
    {
        double[] fractions = { 0, 0.5, 1 };
        double[] scores = { 1, 0.5, 0 };
        Assert.Equal(0.5, Faithfulness.Area(fractions, scores), 12);
        Assert.Equal((0 + 0.5 + 1) / 3, Faithfulness.Aopc(fractions, scores), 12);
    }

    [Fact]
    public void InsertionBeatsRandomAndPixelFlippingSeparatesMorfFromLerfForOcclusion()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var scope = NewDisposeScope();
        Tensor input = ReferenceImages().narrow(0, 0, 4);
        var options = new MethodOptions();
        using var occlusion = EvaluationMethods.Build("occlusion", model, options).Attribute(input, Target.Predicted);
        using var random = EvaluationMethods.Build("random", model, options).Attribute(input, Target.Predicted);
        Tensor good = PixelRelevance.Of(occlusion, 28, 28);
        Tensor noise = PixelRelevance.Of(random, 28, 28);
        var settings = new FaithfulnessOptions { BatchSize = 50 };
        double Mean(IReadOnlyList<FaithfulnessCurve> curves) => curves.Average(c => c.Value);
        Assert.True(Mean(Faithfulness.Insertion(model, input, Target.Predicted, good, settings)) > Mean(Faithfulness.Insertion(model, input, Target.Predicted, noise, settings)));
        double morf = Mean(Faithfulness.PixelFlipping(model, input, Target.Predicted, good, settings, leastRelevantFirst: false));
        double lerf = Mean(Faithfulness.PixelFlipping(model, input, Target.Predicted, good, settings, leastRelevantFirst: true));
        double randomMorf = Mean(Faithfulness.PixelFlipping(model, input, Target.Predicted, noise, settings, leastRelevantFirst: false));
        output.WriteLine($"MoRF {morf:F3} LeRF {lerf:F3} random MoRF {randomMorf:F3}");
        Assert.True(morf > lerf);
        Assert.True(morf > randomMorf);
    }

    [Fact]
    public void RandomBaselineIsSeededAndEdgeMapIgnoresTheModel()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var other = ModelCatalog.Load("fmnist-cnn");
        using var scope = NewDisposeScope();
        Tensor input = ReferenceImages().narrow(0, 0, 2);
        using var first = new RandomAttribution(model, 3).Attribute(input, Target.Predicted);
        using var again = new RandomAttribution(model, 3).Attribute(input, Target.Predicted);
        using var seeded = new RandomAttribution(model, 4).Attribute(input, Target.Predicted);
        Assert.True(first.Values.eq(again.Values).all().item<bool>());
        Assert.False(first.Values.eq(seeded.Values).all().item<bool>());
        Assert.Equal(new long[] { 2, 1, 28, 28 }, first.Values.shape);
        using var edges = new EdgeAttribution(model).Attribute(input, Target.Predicted);
        using var otherEdges = new EdgeAttribution(other).Attribute(input, Target.Predicted);
        Assert.True(edges.Values.eq(otherEdges.Values).all().item<bool>());
        using var flat = new EdgeAttribution(model).Attribute(torch.full(1, 1, 28, 28, 0.5f), Target.Class(0));
        Assert.Equal(0, flat.Values.abs().max().item<float>(), 6);
    }
}
