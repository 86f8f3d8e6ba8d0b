using Lumen.Attributions.Gradients;
using Lumen.Attributions.Layers;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Layers;

/// <summary>
/// Layer attribution at conv2 of the reference CNN against Captum 0.7.0 (relative L2 within
/// <see cref="ReferenceComparison.RelativeTolerance"/>), the completeness deltas of layer integrated gradients and
/// conductance against Captum's, and identities on a model whose layer feeds a linear head.
/// </summary>
public sealed class LayerAttributionTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public LayerAttributionTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void GradientTimesActivationMatchesCaptum()
    {
        using var attribution = new LayerGradientXActivation(model, "conv2").Attribute(inputs, target);
        Compare("captum_layer_gradient_x_activation", attribution, 1e-3);
        Assert.Equal("conv2", attribution.Layer);
    }

    /// <summary>
    /// Path methods, relative L2 and max error within 1e-3 (measured: about 1e-7, the same float32 operations as Captum's;
    /// the fixtures' README warns that at one Gauss-Legendre point a 2x2 window of pool2 holds two nearly tied maxima,
    /// where a float64 computation already differs by 1.9e-3 max), and the completeness deltas within 1e-3 of the logit.
    /// </summary>
    [Theory]
    [InlineData("layer-integrated-gradients", "captum_layer_ig", 64)]
    [InlineData("layer-integrated-gradients", "captum_layer_ig", 12)]
    [InlineData("layer-conductance", "captum_layer_conductance", 64)]
    [InlineData("layer-conductance", "captum_layer_conductance", 12)]
    [InlineData("internal-influence", "captum_internal_influence", 64)]
    public void PathMethodsMatchCaptum(string method, string reference, int internalBatchSize)
    {
        Lumen.Attributions.IAttributionMethod built = method switch
        {
            "layer-integrated-gradients" => new LayerIntegratedGradients(model, "conv2", internalBatchSize: internalBatchSize),
            "layer-conductance" => new LayerConductance(model, "conv2", internalBatchSize: internalBatchSize),
            _ => new InternalInfluence(model, "conv2", internalBatchSize: internalBatchSize),
        };
        using var attribution = built.Attribute(inputs, target);
        Compare(reference, attribution, 1e-3);
        if (method == "internal-influence") return;
        using var captumDelta = NpyFile.Read(ExtendedReference.Attribution(reference + "__delta"));
        float[] expected = captumDelta.data<float>().ToArray();
        var delta = attribution.Extras["delta"];
        output.WriteLine($"{method} delta {string.Join(", ", delta.Select(d => d.ToString("E3")))}; Captum {string.Join(", ", expected.Select(d => d.ToString("E3")))}");
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(delta[i] - expected[i]) <= 1e-3 * Math.Abs(attribution.TargetScores[i]), $"image {i}: delta {delta[i]} vs Captum's {expected[i]}");
    }

    [Fact]
    public void RiemannTrapezoidIsAvailableForEveryPathMethod()
    {
        using var trapezoid = new LayerIntegratedGradients(model, "conv2", 20, IntegrationMethod.RiemannTrapezoid).Attribute(inputs, target);
        Assert.Equal("riemann-trapezoid", trapezoid.Settings["method"]);
        using var influence = new InternalInfluence(model, "conv2", 20, IntegrationMethod.RiemannMiddle).Attribute(inputs, target);
        Assert.Equal("riemann-middle", influence.Settings["method"]);
        using var conductance = new LayerConductance(model, "conv2", 20, IntegrationMethod.RiemannTrapezoid).Attribute(inputs, target);
        Assert.Equal(new long[] { 4, 32, 14, 14 }, conductance.Values.shape);
    }

    /// <summary>
    /// After the layer the model is linear (1x1 convolution → global average pooling → linear): the gradient at the layer is
    /// the constant G = W_fc[c, channel] / (h·w), so layer integrated gradients is (L(x) − L(0)) · G and complete, internal
    /// influence is G (the Gauss-Legendre weights add up to 1), and conductance with the trapezoid rule's points (which
    /// include both ends) equals layer integrated gradients. Tolerance 1e-5: float32 sums of 5-25 terms.
    /// </summary>
    [Fact]
    public void AfterALinearHeadThePathMethodsHaveClosedForms()
    {
        using var linear = LinearModels.GapLinear(3, 5, 4, classes: 3);
        using var x = torch.randn(2, 3, 5, 5);
        var classTarget = Target.Class(1);
        var conv = (nn.Module<Tensor, Tensor>)linear.ResolveLayer("conv");
        using var fc = LinearModels.Weights(linear);
        using var layerGradient = (fc[1] / 25).reshape(1, 4, 1, 1).expand(2, 4, 5, 5);
        using var change = conv.call(x) - conv.call(torch.zeros_like(x));
        using var expected = change * layerGradient;
        using var ig = new LayerIntegratedGradients(linear, "conv", 5).Attribute(x, classTarget);
        using var conductance = new LayerConductance(linear, "conv", 5, IntegrationMethod.RiemannTrapezoid).Attribute(x, classTarget);
        using var influence = new InternalInfluence(linear, "conv", 5).Attribute(x, classTarget);
        using var product = new LayerGradientXActivation(linear, "conv").Attribute(x, classTarget);
        LinearModelTests.AssertClose(expected, ig.Values, 1e-5f);
        LinearModelTests.AssertClose(expected, conductance.Values, 1e-5f);
        LinearModelTests.AssertClose(layerGradient, influence.Values, 1e-5f);
        using var activationTimesGradient = conv.call(x) * layerGradient;
        LinearModelTests.AssertClose(activationTimesGradient, product.Values, 1e-5f);
        foreach (var attribution in new[] { ig, conductance })
            Assert.All(attribution.Extras["delta"], d => Assert.True(Math.Abs(d) < 1e-5, $"delta {d}"));
    }

    [Fact]
    public void ALayerThatIsNotAMapIsAUsageError()
    {
        var error = Assert.Throws<LumenException>(() => new LayerGradientXActivation(model, "fc").Attribute(inputs, target));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("needs a map [N, C, h, w]", error.Message);
    }

    private void Compare(string reference, Lumen.Attributions.Attribution attribution, double maxTolerance)
    {
        using var expected = NpyFile.Read(ExtendedReference.Attribution(reference));
        output.WriteLine($"{attribution.Method} vs {reference}: {ReferenceComparison.Describe(expected, attribution.Values)}");
        Assert.Equal(expected.shape, attribution.Values.shape);
        using var difference = attribution.Values - expected;
        double l2 = difference.norm().item<float>() / expected.norm().item<float>();
        double max = difference.abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(l2 <= ReferenceComparison.RelativeTolerance, $"relative L2 error {l2:E2}");
        Assert.True(max <= maxTolerance, $"relative max error {max:E2}");
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
