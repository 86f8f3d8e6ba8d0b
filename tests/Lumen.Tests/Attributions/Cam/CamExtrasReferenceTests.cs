using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Attributions.Cam;

/// <summary>
/// Eigen-Grad-CAM, Grad-CAM element-wise, Grad-CAM with eigen-smooth and FullGrad on the reference CNN against
/// pytorch-grad-cam 1.5.5 (fixtures/reference/extended, copied from the shared extended references; targets 7, 2, 1, 1,
/// layer conv3). Tolerance <see cref="ReferenceComparison.RelativeTolerance"/> (1e-3 relative, max and L2): the same
/// computations in float64 differ from the float32 references by at most 3.6e-7 relative, so 1e-3 leaves room only for
/// float32 rounding in a different order. The projections are compared allowing a sign flip per image (a singular
/// vector's sign is arbitrary and Lumen fixes it by its own rule), and their final maps after the same alignment.
/// </summary>
public sealed class CamExtrasReferenceTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly torch.Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);
    private readonly ITestOutputHelper output;

    public CamExtrasReferenceTests(ITestOutputHelper output) => this.output = output;

    internal static string Extended(string id) => Path.Combine(Fixtures.Root, "reference", "extended", "fmnist_cnn_0_3", id + ".npy");

    [Fact]
    public void GradCamElementWiseMatchesPytorchGradCam()
    {
        using var attribution = new GradCamElementWise(model, "conv3", relu: false).Attribute(inputs, target);
        using var raw = NpyFile.Read(Extended("gradcam_gradcam_elementwise__raw"));
        using var final = NpyFile.Read(Extended("gradcam_gradcam_elementwise"));
        Assert.Equal(new long[] { 4, 1, 7, 7 }, attribution.Values.shape);
        Compare("gradcam_gradcam_elementwise__raw", raw, attribution.Values.squeeze(1));
        using var upsampled = CamPostProcessing.NormalizedToInputSize(attribution.Values, 28, 28);
        Compare("gradcam_gradcam_elementwise", final, upsampled.squeeze(1));
    }

    [Fact]
    public void EigenGradCamMatchesPytorchGradCamUpToTheSignOfEachImage()
    {
        using var attribution = new EigenGradCam(model, "conv3", relu: false).Attribute(inputs, target);
        CompareUpToSign("gradcam_eigengradcam", attribution);
    }

    [Fact]
    public void GradCamWithEigenSmoothMatchesPytorchGradCamUpToTheSignOfEachImage()
    {
        var options = new CamOptions("conv3") { Relu = false, EigenSmooth = true };
        using var attribution = new GradCam(model, options).Attribute(inputs, target);
        Assert.Equal("true", attribution.Settings["eigen-smooth"]);
        CompareUpToSign("gradcam_gradcam_eigensmooth", attribution);
    }

    [Fact]
    public void FullGradMatchesPytorchGradCamTermByTerm()
    {
        var fullGrad = new FullGrad(model);
        Assert.Equal(new[] { "conv1", "conv2", "conv3" }, fullGrad.BiasLayers);
        using var components = fullGrad.Components(inputs, target);
        using var attribution = fullGrad.Attribute(inputs, target);
        using var referenceComponents = NpyFile.Read(Extended("gradcam_fullgrad__components"));
        using var raw = NpyFile.Read(Extended("gradcam_fullgrad__raw"));
        using var final = NpyFile.Read(Extended("gradcam_fullgrad"));
        Compare("gradcam_fullgrad__components", referenceComponents, components);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, attribution.Values.shape);
        Assert.Null(attribution.Layer);
        Compare("gradcam_fullgrad__raw", raw, attribution.Values.squeeze(1));
        using var normalized = CamPostProcessing.MinMaxPerImage(attribution.Values);
        Compare("gradcam_fullgrad", final, normalized.squeeze(1));
    }

    [Fact]
    public void ProjectionsRefuseEigenSmooth()
    {
        var options = new CamOptions("conv3") { EigenSmooth = true };
        var error = Assert.Throws<LumenException>(() => new EigenGradCam(model, options));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Throws<LumenException>(() => new EigenCam(model, options));
    }

    private void CompareUpToSign(string id, Attribution attribution)
    {
        using var raw = NpyFile.Read(Extended(id + "__raw"));
        using var final = NpyFile.Read(Extended(id));
        using var aligned = attribution.Values.squeeze(1).clone();
        var agrees = new bool[4];
        for (int i = 0; i < 4; i++)
        {
            agrees[i] = (aligned[i] * raw[i]).sum().item<float>() >= 0;
            if (!agrees[i]) aligned[i].neg_();
        }
        Compare(id + "__raw (sign-aligned)", raw, aligned);
        output.WriteLine($"{id}: Lumen's sign agrees with the reference on images {string.Join(",", Enumerable.Range(0, 4).Where(i => agrees[i]))}");
        // The final map of the sign-aligned raw map: pytorch-grad-cam's post-processing after its sign choice.
        using var upsampled = CamPostProcessing.NormalizedToInputSize(aligned.unsqueeze(1), 28, 28);
        Compare(id + " (final, sign-aligned)", final, upsampled.squeeze(1));
    }

    private void Compare(string id, torch.Tensor reference, torch.Tensor actual)
    {
        output.WriteLine($"{id}: {ReferenceComparison.Describe(reference, actual)}");
        ReferenceComparison.AssertMatches(reference, actual);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
