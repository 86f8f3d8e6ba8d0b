using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>
/// Occlusion and feature ablation against Captum 0.7.0 on the reference CNN, and their semantics on a linear model
/// where every occluded score has a closed form.
/// </summary>
public sealed class OcclusionTests : IDisposable
{
    /// <summary>
    /// Both sides compute the same float32 forward passes; the attributions are differences of logits of size ~1-10,
    /// so they agree to a few ulps of a logit: 1e-4 relative (max and L2) leaves room for a different summation order
    /// in the convolutions, while a wrong window, count or baseline moves whole regions by far more.
    /// </summary>
    private const double Tolerance = 1e-4;

    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly torch.Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    [Fact]
    public void OcclusionMatchesCaptum()
    {
        var occlusion = new Occlusion(model, WindowShape.Square(4), WindowShape.Square(2));
        using var attribution = occlusion.Attribute(inputs, target);
        using var reference = NpyFile.Read(Fixtures.Attribution("captum_occlusion"));
        ReferenceComparison.AssertMatches(reference, attribution.Values, Tolerance);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), attribution.Targets);
    }

    [Fact]
    public void FeatureAblationMatchesCaptum()
    {
        var ablation = new FeatureAblation(model, FeatureMask.FromFile(Fixtures.FeatureMask));
        using var attribution = ablation.Attribute(inputs, target);
        using var reference = NpyFile.Read(Fixtures.Attribution("captum_feature_ablation"));
        ReferenceComparison.AssertMatches(reference, attribution.Values, Tolerance);
    }

    [Fact]
    public void ChunkSizeAndOrderOfImagesDoNotChangeTheResult()
    {
        using var all = new Occlusion(model, WindowShape.Square(6), WindowShape.Square(3)).Attribute(inputs, target);
        var small = new EvaluationOptions { BatchSize = 7 };
        using var chunked = new Occlusion(model, WindowShape.Square(6), WindowShape.Square(3), options: small).Attribute(inputs, target);
        LinearModelTests.AssertClose(all.Values, chunked.Values, 1e-5f);
        using var last = inputs.narrow(0, 3, 1);
        using var alone = new Occlusion(model, WindowShape.Square(6), WindowShape.Square(3)).Attribute(last, Target.Class(1));
        LinearModelTests.AssertClose(all.Values.narrow(0, 3, 1), alone.Values, 1e-5f);
    }

    [Fact]
    public void CutOffWindowsAndOverlapsFollowCaptumOnALinearModel()
    {
        using var linear = LinearModels.Linear(2, 11, 9, 3);
        using var x = torch.rand(2, 2, 11, 9, generator: new torch.Generator(5));
        using var attribution = new Occlusion(linear, new WindowShape(4, 3), new WindowShape(3, 2)).Attribute(x, Target.Class(1));
        using var weights = LinearModels.Weights(linear)[1].reshape(2, 11, 9);
        Assert.Equal(x.shape, attribution.Values.shape);
        int[] rows = Occlusion.Starts(11, 4, 3), columns = Occlusion.Starts(9, 3, 2);
        Assert.Equal(new[] { 0, 3, 6, 9 }, rows);
        Assert.Equal(new[] { 0, 2, 4, 6 }, columns);
        var contribution = (x * weights).sum(1).data<float>().ToArray();
        for (int n = 0; n < 2; n++)
        {
            for (int r = 0; r < 11; r++)
            {
                for (int c = 0; c < 9; c++)
                {
                    double sum = 0;
                    int covering = 0;
                    foreach (int r0 in rows.Where(r0 => r0 <= r && r < r0 + 4))
                    {
                        foreach (int c0 in columns.Where(c0 => c0 <= c && c < c0 + 3))
                        {
                            covering++;
                            for (int rr = r0; rr < Math.Min(11, r0 + 4); rr++)
                                for (int cc = c0; cc < Math.Min(9, c0 + 3); cc++) sum += contribution[(n * 11 + rr) * 9 + cc];
                        }
                    }
                    double expected = sum / covering;
                    for (int ch = 0; ch < 2; ch++)
                        Assert.Equal(expected, attribution.Values[n, ch, r, c].item<float>(), 4);
                }
            }
        }
    }

    [Fact]
    public void MeanAndBlurBaselinesChangeNothingOnAConstantImage()
    {
        using var flat = torch.full(1, 1, 28, 28, 0.4f);
        foreach (var baseline in new Baseline[] { MeanBaseline.Instance, Baseline.Blurred(2) })
        {
            using var attribution = new Occlusion(model, WindowShape.Square(7), WindowShape.Square(7), baseline).Attribute(flat, Target.Class(3));
            Assert.True(attribution.Values.abs().max().item<float>() < 1e-5f, baseline.Description);
        }
        using var zero = new Occlusion(model, WindowShape.Square(7), WindowShape.Square(7)).Attribute(flat, Target.Class(3));
        Assert.True(zero.Values.abs().max().item<float>() > 1e-2f);
    }

    [Fact]
    public void FeatureAblationGivesEveryElementOfAFeatureItsFeaturesDrop()
    {
        using var linear = LinearModels.Linear(1, 6, 6, 2);
        using var x = torch.rand(1, 1, 6, 6, generator: new torch.Generator(3));
        using var ids = torch.tensor(Enumerable.Range(0, 36).Select(i => (long)((i % 6) / 3 + 2 * ((i / 6) / 2))).ToArray()).reshape(6, 6);
        using var attribution = new FeatureAblation(linear, FeatureMask.FromTensor(ids)).Attribute(x, Target.Class(0));
        using var contribution = (x * LinearModels.Weights(linear)[0].reshape(1, 1, 6, 6)).flatten();
        var c = contribution.data<float>().ToArray();
        var id = ids.flatten().data<long>().ToArray();
        for (int i = 0; i < 36; i++)
        {
            double expected = Enumerable.Range(0, 36).Where(j => id[j] == id[i]).Sum(j => c[j]);
            Assert.Equal(expected, attribution.Values.flatten()[i].item<float>(), 4);
        }
    }

    [Fact]
    public void OcclusionRefusesAStrideLargerThanTheWindowAndAWindowLargerThanTheImage()
    {
        Assert.Contains("larger than the window", Assert.Throws<LumenException>(() => new Occlusion(model, WindowShape.Square(2), WindowShape.Square(3))).Message);
        var tooBig = new Occlusion(model, WindowShape.Square(29), WindowShape.Square(2));
        Assert.Contains("larger than the image", Assert.Throws<LumenException>(() => tooBig.Attribute(inputs, target)).Message);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
