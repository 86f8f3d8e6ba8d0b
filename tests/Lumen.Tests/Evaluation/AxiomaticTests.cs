using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class AxiomaticTests
{
    [Fact]
    public void GradientTimesInputOfALinearModelIsCompleteAndTheGradientIsNot()
    {
        // f(x) - f(0) = w·x = Σ (w ⊙ x): gradient × input is complete on a linear model (the bias cancels).
        using var model = LinearModels.Linear(1, 4, 4, 3);
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(new long[] { 2, 1, 4, 4 }, generator: new Generator(5)) + 0.5;
        var complete = MetricTestContext.Run(Completeness.Instance, model, input, "gradient-x-input", new EvaluationSettings(), layer: null)["completeness"];
        // Tolerance: float32 sums of 16 products of size ~0.3 against a float32 logit difference: ~1e-6 relative.
        Assert.All(complete, v => Assert.InRange(v, 0, 1e-5));
        var saliency = MetricTestContext.Run(Completeness.Instance, model, input, "saliency", new EvaluationSettings(), layer: null)["completeness"];
        Assert.All(saliency, v => Assert.True(v > 0.01));
    }

    [Fact]
    public void IntegratedGradientsIsNearlyCompleteOnTheReferenceCnnAndUsesItsRecordedBaseline()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            // 50 Gauss-Legendre steps: Captum's delta on these images is below 1 % of the logit change.
            Assert.All(MetricTestContext.Run(Completeness.Instance, model, input, "integrated-gradients", new EvaluationSettings())["completeness"], v => Assert.InRange(v, 0, 0.02));
            Target target = ExplanationEvaluation.Fix(model, input, Target.Predicted);
            var options = new MethodOptions(null, new Dictionary<string, string> { ["baseline"] = "0.5" });
            var descriptor = EvaluationMethods.Find("integrated-gradients");
            using var attribution = descriptor.Build(model, options).Attribute(input, target);
            var context = new MetricContext(model, input, target, m => descriptor.Build(m, options), attribution, new EvaluationSettings());
            Assert.All(Completeness.Instance.Evaluate(context)[0].Values, v => Assert.InRange(v, 0, 0.02));
        }
    }

    [Fact]
    public void TheShiftedCopyComputesTheSameFunctionAndOnlyTheGradientIsInputInvariant()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            using (var copy = ModelRandomization.Copy(model))
            using (InputInvariance.Compensate(copy, "conv1", -1))
            using (var scope = NewDisposeScope())
            {
                // conv1 is padded: a per-channel bias could not compensate the border; the response to the constant image does.
                Tensor difference = (copy.Predict(input - 1) - model.Predict(input)).abs().max();
                Assert.InRange(difference.item<float>(), 0, 1e-4);
            }
            var settings = new EvaluationSettings();
            Assert.All(MetricTestContext.Run(InputInvariance.Instance, model, input, "saliency", settings)["input-invariance"], v => Assert.Equal(0, v));
            // Kindermans et al.: gradient × input and integrated gradients with a zero baseline change with the shift.
            Assert.All(MetricTestContext.Run(InputInvariance.Instance, model, input, "gradient-x-input", settings)["input-invariance"], v => Assert.True(v > 0.5));
            Assert.All(MetricTestContext.Run(InputInvariance.Instance, model, input, "integrated-gradients", settings)["input-invariance"], v => Assert.True(v > 0.5));
            using var linear = LinearModels.Linear(1, 4, 4, 3);
            Assert.NotNull(InputInvariance.Instance.Unavailable(linear, settings));
            Assert.Null(InputInvariance.Instance.Unavailable(model, settings));
        }
    }
}
