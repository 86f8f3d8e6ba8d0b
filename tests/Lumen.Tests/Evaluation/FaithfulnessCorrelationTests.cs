using Lumen.Attributions.Gradients;
using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class FaithfulnessCorrelationTests
{
    [Fact]
    public void PearsonOfAHandExample()
    {
        // numpy.corrcoef([1, 2, 3], [2, 4, 7])[0, 1] = 0.9933992677987828
        Assert.Equal(0.9933992677987828, MapSimilarity.Pearson(new double[] { 1, 2, 3 }, new double[] { 2, 4, 7 }), 12);
        Assert.Equal(0, MapSimilarity.Pearson(new double[] { 1, 1, 1 }, new double[] { 2, 4, 7 }));
    }

    [Fact]
    public void GradientTimesInputOfALinearModelWithZeroReplacementCorrelatesPerfectly()
    {
        // f(x) = w·x + b; replacing the pixels S by 0 drops the logit by Σ_{p∈S} w_p x_p, exactly the summed map w ⊙ x.
        using var model = LinearModels.Linear(1, 6, 6, 3);
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(new long[] { 2, 1, 6, 6 }, generator: new Generator(3));
        Target target = Target.Classes(new[] { 0, 2 });
        Tensor weights = LinearModels.Weights(model);
        Tensor exact = torch.stack(new[] { weights[0], weights[2] }).reshape(2, 6, 6) * input.squeeze(1);
        double[] perfect = FaithfulnessCorrelation.Compute(model, input, target, exact, 20, 6, Baseline.Zero, 64, seed: 0);
        Assert.All(perfect, r => Assert.Equal(1, r, 5));
        double[] reversed = FaithfulnessCorrelation.Compute(model, input, target, -exact, 20, 6, Baseline.Zero, 64, seed: 0);
        Assert.All(reversed, r => Assert.Equal(-1, r, 5));
    }

    [Fact]
    public void SameSeedGivesTheSameValuesAndAnotherSeedOtherSubsets()
    {
        using var model = LinearModels.Linear(1, 6, 6, 3);
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(new long[] { 2, 1, 6, 6 }, generator: new Generator(3));
        Tensor map = torch.rand(new long[] { 2, 6, 6 }, generator: new Generator(4));
        Target target = Target.Classes(new[] { 1, 1 });
        double[] first = FaithfulnessCorrelation.Compute(model, input, target, map, 10, 5, Baseline.Zero, 64, seed: 5);
        double[] again = FaithfulnessCorrelation.Compute(model, input, target, map, 10, 5, Baseline.Zero, 64, seed: 5);
        double[] other = FaithfulnessCorrelation.Compute(model, input, target, map, 10, 5, Baseline.Zero, 64, seed: 6);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, r => Assert.InRange(r, -1, 1));
        Assert.Throws<LumenException>(() => FaithfulnessCorrelation.Compute(model, input, target, map, 10, 37, Baseline.Zero, 64, 0));
    }

    [Fact]
    public void IntegratedGradientsCorrelatesBetterThanRandomOnTheReferenceCnn()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            var settings = new EvaluationSettings { CorrelationRuns = 40 };
            var ig = MetricTestContext.Run(FaithfulnessCorrelation.Instance, model, input, "integrated-gradients", settings)["faithfulness-correlation"];
            var random = MetricTestContext.Run(FaithfulnessCorrelation.Instance, model, input, "random", settings)["faithfulness-correlation"];
            Assert.True(ig.Average() > random.Average() + 0.3, $"integrated gradients {ig.Average():F3}, random {random.Average():F3}");
        }
    }
}
