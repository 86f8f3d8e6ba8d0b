using Lumen.Concepts;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Concepts;

public class TcavTests
{
    [Fact]
    public void StudentTTestMatchesTablesOfTheTDistribution()
    {
        // Two-sided 5 % critical values: t(10) = 2.228138851986, t(18) = 2.100922040241; 1 %: t(9) = 3.249835541592.
        Assert.Equal(0.05, StudentTTest.TwoSidedP(2.228138851986, 10), 9);
        Assert.Equal(0.05, StudentTTest.TwoSidedP(-2.100922040241, 18), 9);
        Assert.Equal(0.01, StudentTTest.TwoSidedP(3.249835541592, 9), 9);
        Assert.Equal(1, StudentTTest.TwoSidedP(0, 7), 12);
        // t(1) is Cauchy: P(|T| ≥ 1) = 1/2.
        Assert.Equal(0.5, StudentTTest.TwoSidedP(1, 1), 12);
        Assert.Equal(Math.Log(24), StudentTTest.LogGamma(5), 12);
        // (1, 2, 3) against (4, 5, 6): pooled variance 1, t = −3 / √(2/3) = −3.674234614, 4 degrees of freedom, p = 0.021311641.
        var (t, p) = StudentTTest.TwoSided(new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 });
        Assert.Equal(-3.674234614174767, t, 9);
        Assert.Equal(0.021311641128756, p, 6);
        Assert.Equal((0.0, 1.0), StudentTTest.TwoSided(new double[] { 1, 1 }, new double[] { 1, 1 }));
        Assert.Equal(0, StudentTTest.TwoSided(new double[] { 1, 1 }, new double[] { 0, 0 }).P);
    }

    /// <summary>
    /// conv (channel 0: a bright-patch detector, the local 3 × 3 mean minus 0.5; channel 1: a vertical-edge detector)
    /// → relu → global average → linear. Class 1's logit reads only channel 0 (the planted concept "bright" drives
    /// class 1); class 0's logit reads only channel 1. TCAV reads the layer "conv" (before the ReLU), so a class
    /// image's gradient is non-zero exactly where its channel-0 response is positive and differs between images.
    /// </summary>
    private static ExplainableModel PlantedModel()
    {
        var conv = nn.Conv2d(1, 2, 3, padding: 1);
        var fc = nn.Linear(2, 2);
        using (no_grad())
        {
            conv.weight!.copy_(torch.tensor(new float[] { 1f / 9, 1f / 9, 1f / 9, 1f / 9, 1f / 9, 1f / 9, 1f / 9, 1f / 9, 1f / 9, -1, 0, 1, -1, 0, 1, -1, 0, 1 }).reshape(2, 1, 3, 3));
            conv.bias!.copy_(torch.tensor(new float[] { -0.5f, 0 }));
            fc.weight!.copy_(torch.tensor(new float[] { 0, 1, 5, 0 }).reshape(2, 2));
            fc.bias!.zero_();
        }
        var module = nn.Sequential(("conv", conv), ("relu", nn.ReLU()), ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", fc));
        return new ExplainableModel(module, "planted", new long[] { 1, 8, 8 });
    }

    private static Tensor Noise(int count, int seed) => torch.rand(new long[] { count, 1, 8, 8 }, generator: new Generator((ulong)seed));

    /// <summary>Bright images: 0.7 plus uniform noise in [0, 0.3).</summary>
    private static Tensor Bright(int count, int seed) => (0.7f + Noise(count, seed) * 0.3f).contiguous();

    [Fact]
    public void APlantedConceptIsSignificantForItsClassAndARandomConceptIsNot()
    {
        using var model = PlantedModel();
        using var scope = NewDisposeScope();
        var randomSets = Enumerable.Range(0, 11).Select(i => Noise(30, 100 + i)).ToList();
        var concepts = new[] { new ConceptSet("bright", Bright(30, 7)), new ConceptSet("noise", Noise(30, 8)) };
        Tensor classImages = Noise(40, 9);
        var results = Tcav.Run(model, "conv", classImages, 1, concepts, randomSets, new TcavOptions());
        var planted = results[0];
        Assert.Equal(0.05 / 2, planted.Threshold, 12);
        Assert.Equal(10, planted.Scores.Count);
        Assert.All(planted.Scores, s => Assert.Equal(1, s)); // every class image gains class 1 logit along the bright direction
        Assert.All(planted.CavAccuracies, a => Assert.Equal(1, a));
        Assert.True(planted.Significant, $"p = {planted.PValue}, random scores {string.Join(", ", planted.RandomScores)}");
        var random = results[1];
        Assert.False(random.Significant, $"p = {random.PValue}, scores {string.Join(", ", random.Scores)}");
        Assert.InRange(random.CavAccuracies.Average(), 0.2, 0.8);
    }

    [Fact]
    public void TheSameSeedGivesTheSameResult()
    {
        using var model = PlantedModel();
        using var scope = NewDisposeScope();
        var randomSets = Enumerable.Range(0, 4).Select(i => Noise(12, 200 + i)).ToList();
        var concepts = new[] { new ConceptSet("noise", Noise(12, 5)) };
        Tensor classImages = Noise(10, 6);
        var first = Tcav.Run(model, "conv", classImages, 1, concepts, randomSets, new TcavOptions { Seed = 3 })[0];
        var again = Tcav.Run(model, "conv", classImages, 1, concepts, randomSets, new TcavOptions { Seed = 3 })[0];
        Assert.Equal(first.Scores, again.Scores);
        Assert.Equal(first.RandomScores, again.RandomScores);
        Assert.Equal(first.CavAccuracies, again.CavAccuracies);
        Assert.Equal(first.PValue, again.PValue);
        Assert.Throws<LumenException>(() => Tcav.Run(model, "conv", classImages, 1, concepts, randomSets.Take(2).ToList(), new TcavOptions()));
    }
}
