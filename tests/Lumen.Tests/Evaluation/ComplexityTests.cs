using Lumen.Evaluation;
using Xunit;

namespace Lumen.Tests.Evaluation;

public class ComplexityTests
{
    [Fact]
    public void GiniIndexAndEntropyOfSmallMapsMatchTheHandComputedValues()
    {
        // |a| sorted = 1, 2, 3, 4 (n = 4, sum 10): G = (-3·1 - 1·2 + 1·3 + 3·4) / (4 · 10) = 10 / 40 = 0.25.
        Assert.Equal(0.25, MapComplexity.Sparseness(new float[] { 3, -1, 4, 2 }), 12);
        // p = 0.1, 0.2, 0.3, 0.4: -Σ p ln p = 1.2798542258336676 (numpy: -(p*np.log(p)).sum()).
        Assert.Equal(1.2798542258336676, MapComplexity.Complexity(new float[] { 3, -1, 4, 2 }), 6);
    }

    [Fact]
    public void OneHotMapIsMaximallySparseAndSimpleAndUniformMapIsNeither()
    {
        var oneHot = new float[784];
        oneHot[300] = -2.5f;
        Assert.Equal(783.0 / 784, MapComplexity.Sparseness(oneHot), 12);
        Assert.Equal(0, MapComplexity.Complexity(oneHot), 12);
        var uniform = Enumerable.Repeat(0.7f, 784).ToArray();
        Assert.Equal(0, MapComplexity.Sparseness(uniform), 9);
        Assert.Equal(Math.Log(784), MapComplexity.Complexity(uniform), 9);
        // An all-zero map is read as uniform by both.
        Assert.Equal(0, MapComplexity.Sparseness(new float[10]));
        Assert.Equal(Math.Log(10), MapComplexity.Complexity(new float[10]), 12);
    }

    [Fact]
    public void MetricsGiveOneValuePerImageOfTheReferenceMaps()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            var sparse = MetricTestContext.Run(ComplexityMetric.Sparseness, model, input, "integrated-gradients", new EvaluationSettings())["sparseness"];
            var random = MetricTestContext.Run(ComplexityMetric.Sparseness, model, input, "random", new EvaluationSettings())["sparseness"];
            var entropy = MetricTestContext.Run(ComplexityMetric.Complexity, model, input, "random", new EvaluationSettings())["complexity"];
            Assert.Equal(4, sparse.Count);
            // Integrated gradients is 0 on the black background, so far sparser than a uniform random map (Gini ≈ 1/3).
            for (int image = 0; image < 4; image++) Assert.True(sparse[image] > random[image] + 0.2, $"image {image}");
            Assert.All(random, g => Assert.InRange(g, 0.30, 0.37));
            // For n uniform values in [0, 1): H ≈ ln n + ln(1/2) + 1/2 = ln n − 0.193 (E[a] = 1/2, E[a ln a] = −1/4).
            Assert.All(entropy, h => Assert.InRange(h, Math.Log(784) - 0.25, Math.Log(784) - 0.15));
        }
    }
}
