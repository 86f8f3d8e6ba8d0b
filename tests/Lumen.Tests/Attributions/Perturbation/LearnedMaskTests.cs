using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>Meaningful perturbation: the issue's deletion criterion on the reference CNN, preservation, determinism.</summary>
public sealed class LearnedMaskTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);

    public LearnedMaskTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void DeletionDropsTheProbabilityBelowATenthWhileRemovingUnderAFifthOfTheImage()
    {
        var steps = new List<PerturbationProgress>();
        var method = new LearnedMask(model, MaskGame.Deletion, Baseline.Zero, iterations: 150,
            options: new EvaluationOptions { Output = ScoreOutput.Probability, Progress = new Recorder(steps) });
        using var attribution = method.Attribute(inputs, Target.Predicted);
        var score = attribution.Extras["score"];
        var original = attribution.Extras["original_score"];
        var area = attribution.Extras["area"];
        int passing = 0;
        for (int n = 0; n < 4; n++)
        {
            output.WriteLine($"image {n}: probability {original[n]:F3} -> {score[n]:F4} ({score[n] / original[n]:P1}), area removed {area[n]:P1}");
            if (score[n] < 0.1 * original[n] && area[n] < 0.2) passing++;
        }
        Assert.True(passing >= 3, $"{passing} of 4 images meet the criterion");
        Assert.Equal(150, steps.Count);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, attribution.Values.shape);
        Assert.True(attribution.Values.min().item<float>() >= 0 && attribution.Values.max().item<float>() <= 1);
        using var mean = attribution.Values.mean(new long[] { 1, 2, 3 });
        for (int n = 0; n < 4; n++) Assert.Equal(area[n], mean[n].item<float>(), 5);
        using var blended = inputs * (1 - attribution.Values);
        using var check = model.Predict(blended).softmax(1);
        for (int n = 0; n < 4; n++) Assert.Equal(score[n], check[n, Fixtures.ReferenceTargets[n]].item<float>(), 4);
    }

    [Fact]
    public void PreservationKeepsASmallRegionThatHoldsTheScore()
    {
        using var two = inputs.narrow(0, 2, 2);
        var method = new LearnedMask(model, MaskGame.Preservation, Baseline.Zero, iterations: 80);
        using var attribution = method.Attribute(two, Target.Predicted);
        for (int n = 0; n < 2; n++)
        {
            output.WriteLine($"image {n + 2}: kept {attribution.Extras["area"][n]:P1}, probability {attribution.Extras["original_score"][n]:F3} -> {attribution.Extras["score"][n]:F3}");
            Assert.True(attribution.Extras["area"][n] < 0.4);
            Assert.True(attribution.Extras["score"][n] > 0.8 * attribution.Extras["original_score"][n]);
        }
    }

    [Fact]
    public void DeletionOnAModelThatLooksAtOneRegionRemovesThatRegionAndRepeatsExactly()
    {
        using var looker = RegionModels.RegionMean(1, 28, 28, rowStart: 4, rowEnd: 12, columnStart: 14, columnEnd: 24);
        using var image = torch.full(1, 1, 28, 28, 0.8f);
        var method = new LearnedMask(looker, MaskGame.Deletion, Baseline.Zero, iterations: 60, areaWeight: 0.2,
            options: new EvaluationOptions { Output = ScoreOutput.Logit });
        using var first = method.Attribute(image, Target.Class(0));
        using var second = method.Attribute(image, Target.Class(0));
        Assert.True(first.Values.eq(second.Values).all().item<bool>());
        float inside = first.Values[0, 0].narrow(0, 4, 8).narrow(1, 14, 10).mean().item<float>();
        float outside = first.Values[0, 0].narrow(0, 16, 12).narrow(1, 0, 12).mean().item<float>();
        Assert.True(inside > 0.8f && outside < 0.1f, $"inside {inside}, outside {outside}");
    }

    private sealed class Recorder : IProgress<PerturbationProgress>
    {
        private readonly List<PerturbationProgress> steps;

        public Recorder(List<PerturbationProgress> steps) => this.steps = steps;

        public void Report(PerturbationProgress value) => steps.Add(value);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
