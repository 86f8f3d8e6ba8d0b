using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Models;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class SensitivityTests
{
    private static Dictionary<string, IReadOnlyList<double>> Run(ExplainableModel model, Tensor input, string method, EvaluationSettings settings)
    {
        Target target = ExplanationEvaluation.Fix(model, input, Target.Predicted);
        var descriptor = EvaluationMethods.Find(method);
        var options = new MethodOptions("conv3");
        using var attribution = descriptor.Build(model, options).Attribute(input, target);
        var context = new MetricContext(model, input, target, m => descriptor.Build(m, options), attribution, settings);
        return SensitivityMetric.Instance.Evaluate(context).ToDictionary(v => v.Metric, v => v.Values);
    }

    [Fact]
    public void ConstantExplanationIsPerfectlyRobustAndModelDependentOnesAreNot()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var scope = NewDisposeScope();
        Tensor input = FaithfulnessTests.ReferenceImages().narrow(0, 0, 4);
        var settings = new EvaluationSettings { SensitivitySamples = 4 };
        // The seeded random map does not look at the input: the same map for every noisy copy.
        Assert.All(Run(model, input, "random", settings)["max-sensitivity"], v => Assert.Equal(0, v));
        var gradcam = Run(model, input, "gradcam", settings);
        var edges = Run(model, input, "sobel", settings);
        for (int image = 0; image < 4; image++)
        {
            Assert.True(gradcam["max-sensitivity"][image] > 0);
            Assert.True(gradcam["max-sensitivity"][image] >= gradcam["avg-sensitivity"][image]);
            // A Sobel map moves by at most ||Sobel|| * ||delta||: tiny next to the map of a 28x28 garment.
            Assert.InRange(edges["max-sensitivity"][image], 1e-6, 0.5);
        }
        Assert.All(gradcam["prediction-stability"], v => Assert.InRange(v, 0, 1));
        Assert.All(gradcam["max-score-change"], v => Assert.InRange(v, 0, 1));
        var loud = Run(model, input, "random", new EvaluationSettings { SensitivitySamples = 4, SensitivityRadius = 5 });
        Assert.True(loud["prediction-stability"].Average() < 1, "noise of radius 5 must change some predictions");
    }
}
