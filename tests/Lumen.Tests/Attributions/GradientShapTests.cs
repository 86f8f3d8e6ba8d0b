using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions;

/// <summary>
/// GradientSHAP by its identities (random draws cannot be compared with Captum's numbers): the mean of the gradient at
/// the drawn points times x̃ − b, seeded reproducibility, and its exact expectation on a linear model.
/// </summary>
public sealed class GradientShapTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Tensor references = NpyFile.Read(ExtendedReference.DeepLiftShapBaselines);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    /// <summary>
    /// With no noise and one reference b this is (x − b) · mean_s ∂f/∂x (b + α_s (x − b)), a Monte Carlo form of integrated
    /// gradients; with noise and eight references, the mean of (x̃ − b) times the gradient at each drawn point.
    /// </summary>
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.0, 8)]
    [InlineData(0.2, 8)]
    public void IsTheMeanOfTheGradientAtTheDrawnPointsTimesTheDifference(double stdev, int referenceCount)
    {
        using var set = references.narrow(0, 0, referenceCount);
        using var method = new GradientShap(model, set, samples: 6, stdev: stdev, seed: 3, internalBatchSize: 8);
        using var attribution = method.Attribute(inputs, target);
        using var draws = method.Draw(inputs);
        using var points = draws.Points();
        using var expected = torch.zeros_like(inputs);
        for (int s = 0; s < 6; s++)
        {
            using var scope = NewDisposeScope();
            Tensor at = points.narrow(0, s * 4, 4);
            Tensor gradient = InputGradient.Compute(model, at, target).Gradient;
            expected.add_(gradient * (draws.NoisyInputs.narrow(0, s * 4, 4) - draws.References.narrow(0, s * 4, 4)));
        }
        expected.div_(6);
        ReferenceComparison.AssertMatches(expected, attribution.Values, 1e-5);
        if (referenceCount == 1 && stdev == 0)
        {
            Assert.True(draws.References.allclose(set.expand(24, -1, -1, -1), 0, 0));
            Assert.True(draws.NoisyInputs.allclose(inputs.repeat(6, 1, 1, 1), 0, 0));
        }
        bool noisy = !draws.NoisyInputs.allclose(inputs.repeat(6, 1, 1, 1), 0, 0);
        Assert.Equal(stdev > 0, noisy);
        Assert.InRange(draws.Alphas.min().item<float>(), 0f, 1f);
        Assert.InRange(draws.Alphas.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void TheSameSeedGivesIdenticalResultsAndAnotherSeedOthers()
    {
        using var first = new GradientShap(model, references, stdev: 0.1, seed: 7);
        using var again = new GradientShap(model, references, stdev: 0.1, seed: 7, internalBatchSize: 4);
        using var other = new GradientShap(model, references, stdev: 0.1, seed: 8);
        using var a = first.Attribute(inputs, target);
        using var b = first.Attribute(inputs, target);
        using var c = again.Attribute(inputs, target);
        using var d = other.Attribute(inputs, target);
        Assert.True(a.Values.allclose(b.Values, 0, 0));
        ReferenceComparison.AssertMatches(a.Values, c.Values, 1e-5);
        Assert.False(a.Values.allclose(d.Values, 1e-3, 1e-3));
        Assert.Equal("7", a.Settings["seed"]);
        Assert.Equal("5", a.Settings["samples"]);
    }

    [Fact]
    public void OnALinearModelWithoutNoiseItIsTheDifferenceToTheDrawnReferencesTimesTheWeights()
    {
        using var linear = LinearModels.Linear(2, 3, 3, classes: 4);
        using var x = torch.randn(3, 2, 3, 3);
        using var set = torch.randn(5, 2, 3, 3);
        using var weights = LinearModels.Weights(linear);
        using var method = new GradientShap(linear, set, samples: 7);
        using var attribution = method.Attribute(x, Target.Class(1));
        using var draws = method.Draw(x);
        using var meanReference = draws.References.reshape(7, 3, 2, 3, 3).mean(new long[] { 0 });
        using var expected = (x - meanReference) * weights[1].reshape(1, 2, 3, 3);
        LinearModelTests.AssertClose(expected, attribution.Values, 1e-5f);
    }

    /// <summary>
    /// With one reference and noise σ = 0.5, E[r] = (x − b) · w exactly; 4,000 samples put the mean within
    /// 5 σ / √4000 · |w| (about 0.04 |w|) of it.
    /// </summary>
    [Fact]
    public void OnALinearModelItsExpectationIsExact()
    {
        using var linear = LinearModels.Linear(1, 4, 4, classes: 3);
        using var x = torch.randn(2, 1, 4, 4);
        using var reference = torch.randn(1, 1, 4, 4);
        using var weights = LinearModels.Weights(linear);
        using var method = new GradientShap(linear, reference, samples: 4000, stdev: 0.5, seed: 1);
        using var attribution = method.Attribute(x, Target.Class(0));
        using var row = weights[0].reshape(1, 1, 4, 4);
        using var expected = (x - reference) * row;
        using var bound = row.abs() * (5 * 0.5 / Math.Sqrt(4000)) + 1e-6;
        Assert.True((attribution.Values - expected).abs().le(bound).all().item<bool>());
    }

    [Fact]
    public void BaselinesOfTheWrongShapeAreAUsageError()
    {
        using var wrong = torch.zeros(2, 3, 28, 28);
        var error = Assert.Throws<LumenException>(() => new GradientShap(model, wrong));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("expected [B, 1, 28, 28]", error.Message);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
        references.Dispose();
    }
}
