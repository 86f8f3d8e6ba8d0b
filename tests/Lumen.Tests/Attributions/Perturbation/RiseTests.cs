using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>RISE: its masks, its weighted sum, seeding, batch independence, and that it finds what a model looks at.</summary>
public sealed class RiseTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);

    [Fact]
    public void MasksAreSmoothCroppedGridsKeptWithProbabilityP()
    {
        using var masks = new RiseMasks(400, 28, 28, 7, 0.3, seed: 1);
        using var all = masks.Build(0, 400);
        Assert.Equal(new long[] { 400, 1, 28, 28 }, all.shape);
        Assert.True(all.min().item<float>() >= 0 && all.max().item<float>() <= 1);
        Assert.InRange(all.mean().item<float>(), 0.26f, 0.34f);
        using var part = masks.Build(123, 5);
        Assert.True(part.eq(all.narrow(0, 123, 5)).all().item<bool>());
        using var fractional = all.gt(0.01f).logical_and(all.lt(0.99f)).to_type(ScalarType.Float32).mean();
        Assert.True(fractional.item<float>() > 0.05f, "bilinear enlargement gives soft edges");
    }

    [Fact]
    public void SaliencyIsTheMaskWeightedSumOfScoresOverNP()
    {
        var rise = new Rise(model, masks: 12, cells: 4, keepProbability: 0.5, seed: 3, options: new EvaluationOptions { BatchSize = 5, Output = ScoreOutput.Probability });
        using var two = inputs.narrow(0, 0, 2);
        using var attribution = rise.Attribute(two, Target.Classes(new[] { 7, 2 }));
        using var masks = rise.DrawMasks(28, 28);
        using var m = masks.Build(0, 12);
        for (int n = 0; n < 2; n++)
        {
            using var probabilities = model.Predict(two[n].unsqueeze(0) * m).softmax(1);
            using var scores = probabilities.select(1, n == 0 ? 7 : 2);
            using var expected = (scores.reshape(12, 1, 1, 1) * m).sum(dim: 0) / (12 * 0.5);
            LinearModelTests.AssertClose(expected, attribution.Values[n], 1e-5f);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameMapWhateverTheBatchSizeAndAnotherSeedAnother()
    {
        using var one = inputs.narrow(0, 1, 1);
        using var a = new Rise(model, masks: 40, seed: 7).Attribute(one, Target.Predicted);
        using var b = new Rise(model, masks: 40, seed: 7, options: new EvaluationOptions { BatchSize = 9, Output = ScoreOutput.Probability }).Attribute(one, Target.Predicted);
        using var c = new Rise(model, masks: 40, seed: 8).Attribute(one, Target.Predicted);
        // Batches of 9 masked copies instead of the default run through other kernels: a relative bound.
        LinearModelTests.AssertCloseAcrossKernels(a.Values, b.Values);
        Assert.True((a.Values - c.Values).abs().max().item<float>() > 1e-3f);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, a.Values.shape);
    }

    [Fact]
    public void FindsTheRegionAModelLooksAt()
    {
        using var looker = RegionModels.RegionMean(1, 28, 28, rowStart: 16, rowEnd: 24, columnStart: 4, columnEnd: 12);
        using var image = torch.ones(1, 1, 28, 28);
        var rise = new Rise(looker, masks: 2000, cells: 7, seed: 0, options: new EvaluationOptions { Output = ScoreOutput.Logit });
        using var attribution = rise.Attribute(image, Target.Class(0));
        using var map = attribution.Values[0, 0];
        float inside = map.narrow(0, 16, 8).narrow(1, 4, 8).mean().item<float>();
        float outside = map.narrow(0, 0, 8).narrow(1, 16, 12).mean().item<float>();
        Assert.True(inside > outside + 0.03f, $"inside {inside}, outside {outside}");
        using var blocks = nn.functional.avg_pool2d(attribution.Values, 4).flatten();
        long best = blocks.argmax().item<long>();
        Assert.True(best / 7 is 4 or 5 && best % 7 is 1 or 2, $"strongest 4x4 block {best / 7},{best % 7}");
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
