using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// The reference CNN and four Fashion-MNIST test images, against the outputs of Captum 0.7 and pytorch-grad-cam 1.5.5
/// (fixtures/reference, see its README). Tolerance: <see cref="ReferenceComparison.RelativeTolerance"/>.
/// </summary>
public sealed class FmnistReferenceTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly torch.Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    [Fact]
    public void LogitsMatchTheStoredOnes()
    {
        using var expected = NpyFile.Read(Fixtures.FmnistLogits);
        using var logits = model.Predict(inputs);
        float difference = (logits - expected).abs().max().item<float>();
        Assert.True(difference < 1e-4f, $"max logit difference {difference}");
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), Target.Predicted.ResolveClasses(logits));
    }

    [Theory]
    [InlineData(SaliencyMode.Absolute, "captum_saliency_abs")]
    [InlineData(SaliencyMode.Signed, "captum_saliency_signed")]
    public void SaliencyMatchesCaptum(SaliencyMode mode, string reference)
    {
        using var attribution = new Saliency(model, mode).Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution(reference));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
    }

    [Fact]
    public void SquaredSaliencyIsTheSquareOfCaptumsGradient()
    {
        using var attribution = new Saliency(model, SaliencyMode.Squared).Attribute(inputs, target);
        using var signed = NpyFile.Read(Fixtures.Attribution("captum_saliency_signed"));
        ReferenceComparison.AssertMatches(signed.square(), attribution.Values);
    }

    [Fact]
    public void GradientTimesInputMatchesCaptum()
    {
        using var attribution = new GradientTimesInput(model).Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution("captum_input_x_gradient"));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
    }

    [Fact]
    public void SquaredGradientTimesInputFollowsFromCaptumsGradient()
    {
        using var attribution = new GradientTimesInput(model, GradientTimesInputMode.SquaredGradient).Attribute(inputs, target);
        using var signed = NpyFile.Read(Fixtures.Attribution("captum_saliency_signed"));
        ReferenceComparison.AssertMatches(signed.square() * inputs, attribution.Values);
    }

    [Theory]
    [InlineData(true, "captum_layer_gradcam")]
    [InlineData(false, "captum_layer_gradcam_norelu")]
    public void GradCamMatchesCaptumLayerGradCam(bool relu, string reference)
    {
        using var attribution = new GradCam(model, "conv3", relu).Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution(reference));
        Assert.Equal("conv3", attribution.Layer);
        ReferenceComparison.AssertMatches(expected, attribution.Values);
    }

    [Fact]
    public void GradCamMatchesPytorchGradCamRawAndFinalMaps()
    {
        using var attribution = new GradCam(model, "conv3", relu: false).Attribute(inputs, target);
        using var raw = NpyFile.Read(Fixtures.Attribution("gradcam_gradcam__raw"));
        using var final = NpyFile.Read(Fixtures.Attribution("gradcam_gradcam"));
        ReferenceComparison.AssertMatches(raw, attribution.Values.squeeze(1));
        using var upsampled = CamPostProcessing.NormalizedToInputSize(attribution.Values, 28, 28);
        ReferenceComparison.AssertMatches(final, upsampled.squeeze(1));
    }

    [Fact]
    public void EveryMethodExplainsTheBatchAsEachImageAlone()
    {
        using var batch = new GradCam(model, "conv2").Attribute(inputs, target);
        for (int i = 0; i < 4; i++)
        {
            using var single = new GradCam(model, "conv2").Attribute(inputs.narrow(0, i, 1), Target.Class(Fixtures.ReferenceTargets[i]));
            LinearModelTests.AssertClose(single.Values[0], batch.Values[i], 1e-5f);
        }
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
