using Lumen.Attributions.Perturbation;
using Xunit;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>The weighted ridge surrogate and the feature selections on data with a known linear law.</summary>
public sealed class SurrogateTests
{
    private const int Samples = 300, Features = 10;

    private static (double[] Design, double[] Targets, double[] Weights) Data(double noise)
    {
        var random = new Random(11);
        var design = new double[Samples * Features];
        var targets = new double[Samples];
        var weights = new double[Samples];
        for (int i = 0; i < Samples; i++)
        {
            for (int j = 0; j < Features; j++) design[i * Features + j] = random.Next(2);
            targets[i] = 1 + 2 * design[i * Features] - 3 * design[i * Features + 2] + noise * (random.NextDouble() - 0.5);
            weights[i] = 0.2 + random.NextDouble();
        }
        return (design, targets, weights);
    }

    [Fact]
    public void ExactDataGivesTheLawAndR2One()
    {
        var (design, targets, weights) = Data(0);
        var fit = WeightedRidge.Fit(design, Features, Enumerable.Range(0, Features).ToList(), targets, weights, 0);
        Assert.Equal(2, fit.Coefficients[0], 9);
        Assert.Equal(-3, fit.Coefficients[2], 9);
        Assert.Equal(1, fit.Intercept, 9);
        Assert.Equal(1, fit.R2, 9);
        Assert.All(new[] { 1, 3, 4, 5, 6, 7, 8, 9 }, j => Assert.Equal(0, fit.Coefficients[j], 9));
    }

    [Fact]
    public void RidgeShrinksAndR2IsTheWeightedOne()
    {
        var (design, targets, weights) = Data(2);
        var plain = WeightedRidge.Fit(design, Features, new[] { 0, 2 }, targets, weights, 0);
        var ridge = WeightedRidge.Fit(design, Features, new[] { 0, 2 }, targets, weights, 50);
        Assert.True(Math.Abs(ridge.Coefficients[0]) < Math.Abs(plain.Coefficients[0]));
        double mean = Enumerable.Range(0, Samples).Sum(i => weights[i] * targets[i]) / weights.Sum();
        double residual = Enumerable.Range(0, Samples).Sum(i => weights[i] * Math.Pow(targets[i] - plain.Predict(design, Features, i), 2));
        double spread = Enumerable.Range(0, Samples).Sum(i => weights[i] * Math.Pow(targets[i] - mean, 2));
        Assert.Equal(1 - residual / spread, plain.R2, 9);
        Assert.InRange(plain.R2, 0.5, 0.99);
    }

    [Theory]
    [InlineData(FeatureSelectionMethod.ForwardSelection)]
    [InlineData(FeatureSelectionMethod.LassoPath)]
    [InlineData(FeatureSelectionMethod.HighestWeights)]
    [InlineData(FeatureSelectionMethod.Auto)]
    public void SelectionsFindTheTwoFeaturesOfTheLaw(FeatureSelectionMethod method)
    {
        var (design, targets, weights) = Data(0.5);
        var chosen = FeatureSelection.Select(method, design, Features, targets, weights, 2);
        Assert.Equal(new[] { 0, 2 }, chosen.OrderBy(j => j));
        var one = FeatureSelection.Select(method, design, Features, targets, weights, 1);
        Assert.Equal(new[] { 2 }, one);
    }
}
