using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class RandomizationTests
{
    private readonly ITestOutputHelper output;

    public RandomizationTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// After the top layer (fc) is randomized, the signed maps of Grad-CAM and of LRP (epsilon rule) lose their rank
    /// correlation with the trained model's maps on all 8 images, while the Sobel edge map stays identical. (With the
    /// default epsilon-plus-flat composite, image 0 keeps 0.48; absolute LRP maps stay above 0.6 because |R| is 0 on
    /// the black background whatever the model: see docs/methods/evaluation.md.)
    /// </summary>
    [Fact]
    public void CascadingRandomizationDecorrelatesGradcamAndLrpButNotTheEdgeMap()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var scope = NewDisposeScope();
        Tensor input = FaithfulnessTests.ReferenceImages();
        Tensor weightsBefore = model.Module.state_dict()["conv1.weight"].clone();
        Target target = ExplanationEvaluation.Fix(model, input, Target.Predicted);
        var results = new Dictionary<string, IReadOnlyList<MetricValues>>();
        foreach (string name in new[] { "gradcam", "lrp", "sobel" })
        {
            var options = name == "lrp"
                ? new MethodOptions(null, new Dictionary<string, string> { ["composite"] = "epsilon" })
                : new MethodOptions("conv3");
            var descriptor = EvaluationMethods.Find(name);
            using var attribution = descriptor.Build(model, options).Attribute(input, target);
            var context = new MetricContext(model, input, target, m => descriptor.Build(m, options), attribution, new EvaluationSettings());
            results[name] = RandomizationMetric.Instance.Evaluate(context);
            foreach (var values in results[name].Where(v => v.Metric.Contains("spearman", StringComparison.Ordinal)))
                output.WriteLine($"{name,-8} {values.Metric,-45} " + string.Join(" ", values.Values.Select(v => v.ToString("F2"))));
        }
        Assert.True(model.Module.state_dict()["conv1.weight"].eq(weightsBefore).all().item<bool>(), "the user's model was changed");
        double Max(string method, string metric) => results[method].Single(v => v.Metric == metric).Values.Max();
        foreach (string method in new[] { "gradcam", "lrp" })
            Assert.True(Max(method, "randomization:cascading:fc:spearman") < 0.3, $"{method}: {Max(method, "randomization:cascading:fc:spearman"):F2}");
        Assert.True(Max("gradcam", "randomization:cascading:fc:ssim") < Max("sobel", "randomization:cascading:fc:ssim"));
        foreach (var values in results["sobel"])
            Assert.All(values.Values, v => Assert.Equal(1.0, v, 9));
    }

    [Fact]
    public void SpearmanAndSsimFollowTheirDefinitions()
    {
        Assert.Equal(1.0, MapSimilarity.Spearman(new float[] { 1, 2, 3, 4 }, new float[] { 10, 20, 30, 400 }), 12);
        Assert.Equal(-1.0, MapSimilarity.Spearman(new float[] { 1, 2, 3, 4 }, new float[] { 4, 3, 2, 1 }), 12);
        Assert.Equal(new[] { 1.5, 1.5, 3, 4 }, MapSimilarity.AverageRanks(new float[] { 5, 5, 6, 7 }));
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
        Assert.Equal(0.9486832980505138, MapSimilarity.Spearman(new float[] { 1, 2, 2, 3 }, new float[] { 1, 3, 2, 4 }), 9);
        using var scope = NewDisposeScope();
        Tensor map = torch.rand(new long[] { 16, 16 }, generator: new Generator(3));
        Assert.Equal(1.0, MapSimilarity.Ssim(map, map * 5 + 2), 6);
        Assert.True(MapSimilarity.Ssim(map, 1 - map) < 0);
    }
}
