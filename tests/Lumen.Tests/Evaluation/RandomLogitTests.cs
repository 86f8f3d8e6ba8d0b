using Lumen.Evaluation;
using Xunit;

namespace Lumen.Tests.Evaluation;

public class RandomLogitTests
{
    [Fact]
    public void TheOtherClassIsNeverTheTargetIsSeededAndCoversEveryOtherClass()
    {
        var classes = Enumerable.Range(0, 200).Select(i => (long)(i % 10)).ToArray();
        int[] others = RandomLogit.OtherClasses(classes, 10, seed: 3);
        Assert.All(others.Zip(classes), pair => Assert.NotEqual(pair.Second, pair.First));
        Assert.All(others, c => Assert.InRange(c, 0, 9));
        Assert.Equal(others, RandomLogit.OtherClasses(classes, 10, seed: 3));
        Assert.NotEqual(others, RandomLogit.OtherClasses(classes, 10, seed: 4));
        // Image 0 (class 0) over 100 seeds draws each of classes 1..9.
        Assert.Equal(Enumerable.Range(1, 9), Enumerable.Range(0, 100).Select(seed => RandomLogit.OtherClasses(new long[] { 0 }, 10, seed)[0]).Distinct().Order());
        // With two classes the other class is forced.
        Assert.Equal(new[] { 1, 0 }, RandomLogit.OtherClasses(new long[] { 0, 1 }, 2, seed: 9));
        Assert.Throws<LumenException>(() => RandomLogit.OtherClasses(new long[] { -1 }, 10, 0));
    }

    [Fact]
    public void ClassIndependentMapsScoreOneAndGradcamLess()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            // The Sobel map and the seeded random map do not depend on the class: SSIM of a map with itself is 1.
            Assert.All(MetricTestContext.Run(RandomLogit.Instance, model, input, "sobel", new EvaluationSettings())["random-logit"], v => Assert.Equal(1, v, 9));
            Assert.All(MetricTestContext.Run(RandomLogit.Instance, model, input, "random", new EvaluationSettings())["random-logit"], v => Assert.Equal(1, v, 9));
            var gradcam = MetricTestContext.Run(RandomLogit.Instance, model, input, "gradcam", new EvaluationSettings())["random-logit"];
            Assert.All(gradcam, v => Assert.True(v < 0.9, $"gradcam {v:F3}"));
        }
    }
}
