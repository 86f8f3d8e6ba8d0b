using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Exact results on linear models: for f(x) = W x + b the gradient of logit c is row c of W, whatever x is.
/// Tolerance 1e-6 absolute: the gradient is copied from W, the products are single float32 multiplications.
/// </summary>
public class LinearModelTests
{
    private const float Tolerance = 1e-6f;

    [Fact]
    public void SaliencyIsTheWeightRow()
    {
        using var model = LinearModels.Linear(2, 3, 4, classes: 5);
        using var input = torch.randn(3, 2, 3, 4);
        using var attribution = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Classes(new[] { 4, 0, 2 }));
        using var weights = LinearModels.Weights(model);
        long[] classes = { 4, 0, 2 };
        for (int n = 0; n < 3; n++)
        {
            using var expected = weights[classes[n]].reshape(2, 3, 4);
            AssertClose(expected, attribution.Values[n]);
        }
        Assert.Equal(classes, attribution.Targets);
    }

    [Fact]
    public void AbsoluteAndSquaredSaliency()
    {
        using var model = LinearModels.Linear(1, 4, 4, classes: 3);
        using var input = torch.randn(2, 1, 4, 4);
        using var weights = LinearModels.Weights(model);
        using var row = weights[1].reshape(1, 4, 4);
        using var absolute = new Saliency(model, SaliencyMode.Absolute).Attribute(input, Target.Class(1));
        using var squared = new Saliency(model, SaliencyMode.Squared).Attribute(input, Target.Class(1));
        AssertClose(row.abs(), absolute.Values[1]);
        AssertClose(row.square(), squared.Values[0]);
    }

    [Fact]
    public void GradientTimesInputIsWeightTimesInput()
    {
        using var model = LinearModels.Linear(3, 2, 2, classes: 4);
        using var input = torch.randn(2, 3, 2, 2);
        using var weights = LinearModels.Weights(model);
        using var row = weights[3].reshape(3, 2, 2);
        using var plain = new GradientTimesInput(model).Attribute(input, Target.Class(3));
        using var squared = new GradientTimesInput(model, GradientTimesInputMode.SquaredGradient).Attribute(input, Target.Class(3));
        AssertClose(row * input[0], plain.Values[0]);
        AssertClose(row.square() * input[1], squared.Values[1]);
    }

    [Fact]
    public void GradientTimesInputSumsToTheLogitMinusBiasOnALinearModel()
    {
        using var model = LinearModels.Linear(1, 5, 5, classes: 2);
        using var input = torch.randn(4, 1, 5, 5);
        using var attribution = new GradientTimesInput(model).Attribute(input, Target.Predicted);
        using var logits = model.Predict(input);
        var bias = ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).bias!;
        for (int n = 0; n < 4; n++)
        {
            long c = attribution.Targets[n];
            float expected = logits[n, c].item<float>() - bias[c].item<float>();
            Assert.Equal(expected, attribution.Values[n].sum().item<float>(), 4);
        }
    }

    [Fact]
    public void GradCamOnAGapLinearHeadIsTheClassWeightedActivationMap()
    {
        // With A = conv output and y_c = sum_k w_ck mean(A_k) + b_c: dy_c/dA_kij = w_ck / (h w), so the Grad-CAM
        // weights are w_ck / (h w) and the map is sum_k w_ck A_k / (h w).
        const long size = 6;
        using var model = LinearModels.GapLinear(3, size, 8, classes: 4);
        using var input = torch.randn(2, 3, size, size);
        using var attribution = new GradCam(model, "conv", relu: false).Attribute(input, Target.Class(2));
        using var capture = model.Capture("conv");
        using var noGrad = torch.no_grad();
        model.Forward(input);
        using var fcWeights = ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).weight!.detach();
        using var classWeights = fcWeights[2].reshape(1, 8, 1, 1);
        using var expected = (classWeights * capture["conv"]).sum(1, keepdim: true) / (size * size);
        Assert.Equal(new long[] { 2, 1, size, size }, attribution.Values.shape);
        Assert.Equal("conv", attribution.Layer);
        AssertClose(expected, attribution.Values);
    }

    /// <summary>
    /// The relative tolerance for float32 results of one computation taken through different kernels: another batch
    /// size, chunking or memory layout makes libtorch pick other convolution and reduction kernels, which sum in another
    /// order. Each float32 operation rounds by up to 2^-24 (6e-8) of its value and a forward and backward pass compounds
    /// many of them (measured on the reference CNN: 1.2e-7 of the largest value, one unit in the last place, on a loaded
    /// machine). 1e-5 of the largest magnitude is two orders above that rounding and still far below any real error.
    /// </summary>
    internal const float AcrossKernels = 1e-5f;

    /// <summary>
    /// Asserts that float32 values computed through different kernels agree within <see cref="AcrossKernels"/> of the
    /// largest magnitude of <paramref name="scale"/> (by default <paramref name="expected"/>; give the quantity the
    /// values are made of when <paramref name="expected"/> is zero, e.g. g² for a variance of copies of g).
    /// </summary>
    internal static void AssertCloseAcrossKernels(torch.Tensor expected, torch.Tensor actual, torch.Tensor? scale = null)
    {
        Assert.Equal(expected.shape, actual.shape);
        float largest = (scale ?? expected).abs().max().item<float>();
        float difference = (expected - actual).abs().max().item<float>();
        float tolerance = AcrossKernels * largest;
        Assert.True(difference <= tolerance, $"max abs difference {difference} exceeds {tolerance} ({AcrossKernels} of the largest magnitude {largest})");
    }

    internal static void AssertClose(torch.Tensor expected, torch.Tensor actual, float tolerance = Tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        float difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"max abs difference {difference} exceeds {tolerance}");
    }
}
