using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// The CAM family on conv3 of the reference CNN against pytorch-grad-cam 1.5.5 (fixtures/reference, see its README):
/// the raw 7x7 map (relu: false) and the library's output after its post-processing
/// (<see cref="CamPostProcessing.NormalizedToInputSize"/>). Tolerance: <see cref="ReferenceComparison.RelativeTolerance"/>
/// (1e-3 relative, max and L2). Eigen-CAM's raw map is compared allowing a sign flip per image.
/// </summary>
public sealed class CamFamilyReferenceTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly torch.Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public static TheoryData<string> Variants() => new() { "gradcampp", "hirescam", "xgradcam", "layercam", "scorecam", "ablationcam" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void RawAndFinalMapsMatchPytorchGradCam(string reference)
    {
        using var attribution = Create(reference).Attribute(inputs, target);
        using var raw = NpyFile.Read(Fixtures.Attribution($"gradcam_{reference}__raw"));
        using var final = NpyFile.Read(Fixtures.Attribution($"gradcam_{reference}"));
        Assert.Equal(new long[] { 4, 1, 7, 7 }, attribution.Values.shape);
        Assert.Equal("conv3", attribution.Layer);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), attribution.Targets);
        ReferenceComparison.AssertMatches(raw, attribution.Values.squeeze(1));
        using var upsampled = CamPostProcessing.NormalizedToInputSize(attribution.Values, 28, 28);
        ReferenceComparison.AssertMatches(final, upsampled.squeeze(1));
    }

    [Fact]
    public void EigenCamMatchesPytorchGradCamUpToTheSignOfEachImage()
    {
        using var attribution = new EigenCam(model, "conv3", relu: false).Attribute(inputs, target);
        using var raw = NpyFile.Read(Fixtures.Attribution("gradcam_eigencam__raw"));
        using var final = NpyFile.Read(Fixtures.Attribution("gradcam_eigencam"));
        for (int i = 0; i < 4; i++)
        {
            using var ours = attribution.Values[i].squeeze(0);
            using var theirs = raw[i];
            bool sameSign = (ours * theirs).sum().item<float>() >= 0;
            using var aligned = sameSign ? ours.clone() : -ours;
            ReferenceComparison.AssertMatches(theirs, aligned);
            if (!sameSign) continue;
            using var upsampled = CamPostProcessing.NormalizedToInputSize(attribution.Values.narrow(0, i, 1), 28, 28);
            ReferenceComparison.AssertMatches(final.narrow(0, i, 1), upsampled.squeeze(1));
        }
    }

    [Fact]
    public void EigenCamCorrelatesPositivelyWithTheMeanActivationMap()
    {
        using var attribution = new EigenCam(model, "conv3", relu: false).Attribute(inputs, target);
        using var activations = LayerActivations.Compute(model, "conv3", inputs, target).Activations;
        using var mean = activations.mean(new long[] { 1 }, keepdim: true);
        using var products = (attribution.Values * (mean - mean.mean(new long[] { 2, 3 }, keepdim: true))).sum(new long[] { 1, 2, 3 });
        Assert.All(products.data<float>().ToArray(), p => Assert.True(p > 0, $"correlation {p}"));
    }

    [Fact]
    public void ChunkSizeDoesNotChangeScoreOrAblationCam()
    {
        using var two = inputs.narrow(0, 0, 2);
        var classes = Target.Classes(Fixtures.ReferenceTargets.Take(2).ToArray());
        using var scoreDefault = new ScoreCam(model, "conv3", relu: false).Attribute(two, classes);
        using var score = new ScoreCam(model, "conv3", relu: false, batchSize: 5).Attribute(two, classes);
        LinearModelTests.AssertClose(scoreDefault.Values, score.Values, 1e-4f);
        using var ablationDefault = new AblationCam(model, "conv3", relu: false).Attribute(two, classes);
        using var ablation = new AblationCam(model, "conv3", relu: false, batchSize: 5).Attribute(two, classes);
        LinearModelTests.AssertClose(ablationDefault.Values, ablation.Values, 1e-4f);
    }

    private IAttributionMethod Create(string reference) => reference switch
    {
        "gradcampp" => new GradCamPlusPlus(model, "conv3", relu: false),
        "hirescam" => new HiResCam(model, "conv3", relu: false),
        "xgradcam" => new XGradCam(model, "conv3", relu: false),
        "layercam" => new LayerCam(model, "conv3", relu: false),
        "scorecam" => new ScoreCam(model, "conv3", relu: false),
        "ablationcam" => new AblationCam(model, "conv3", relu: false),
        _ => throw new ArgumentException(reference),
    };

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
