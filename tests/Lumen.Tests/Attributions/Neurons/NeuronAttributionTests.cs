using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Neurons;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Neurons;

/// <summary>
/// Neuron attribution for conv3 channel 5 at (3, 3) of the reference CNN against Captum 0.7.0 (relative L2 and max error
/// within <see cref="ReferenceComparison.RelativeTolerance"/>), neuron IG's completeness, and the neuron's parsing and
/// range checks.
/// </summary>
public sealed class NeuronAttributionTests : IDisposable
{
    private static readonly Neuron Conv3Centre = new("conv3", 5, 3, 3);
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public NeuronAttributionTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<string, string, int> Cases => new()
    {
        { "neuron-gradient", "captum_neuron_gradient", 64 },
        { "neuron-integrated-gradients", "captum_neuron_ig", 64 },
        { "neuron-integrated-gradients", "captum_neuron_ig", 12 },
        { "neuron-conductance", "captum_neuron_conductance_riemann_trapezoid", 64 },
        { "neuron-conductance-gausslegendre", "captum_neuron_conductance", 12 },
        { "neuron-guided-backprop", "captum_neuron_guided_backprop", 64 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesCaptum(string method, string reference, int internalBatchSize)
    {
        IAttributionMethod built = method switch
        {
            "neuron-gradient" => new NeuronGradient(model, Conv3Centre),
            "neuron-integrated-gradients" => new NeuronIntegratedGradients(model, Conv3Centre, internalBatchSize: internalBatchSize),
            "neuron-conductance" => new NeuronConductance(model, Conv3Centre, internalBatchSize: internalBatchSize),
            "neuron-conductance-gausslegendre" => new NeuronConductance(model, Conv3Centre, method: IntegrationMethod.GaussLegendre, internalBatchSize: internalBatchSize),
            _ => new NeuronGuidedBackprop(model, Conv3Centre),
        };
        using var attribution = built.Attribute(inputs, target);
        using var expected = NpyFile.Read(ExtendedReference.Attribution(reference));
        output.WriteLine($"{method} vs {reference}: {ReferenceComparison.Describe(expected, attribution.Values)}");
        ReferenceComparison.AssertMatches(expected, attribution.Values);
        Assert.Equal("conv3:5:3,3", attribution.Settings["neuron"]);
    }

    [Fact]
    public void NeuronIntegratedGradientsIsCompleteAsCaptumsIs()
    {
        using var attribution = new NeuronIntegratedGradients(model, Conv3Centre).Attribute(inputs, target);
        using var completeness = NpyFile.Read(ExtendedReference.Attribution("captum_neuron_ig__completeness"));
        for (int i = 0; i < 4; i++)
        {
            double sum = completeness[i, 0].item<float>(), change = completeness[i, 1].item<float>();
            double delta = attribution.Extras["delta"][i];
            output.WriteLine($"image {i}: delta {delta:E3}, Captum's sum - change {sum - change:E3}, y(x) - y(0) {change:F4}");
            Assert.True(Math.Abs(delta - (sum - change)) <= 1e-3 * Math.Abs(change) + 1e-5, $"image {i}");
            Assert.Equal(-1, attribution.Targets[i]);
        }
    }

    /// <summary>On a linear model every neuron of the linear layer is w_j · x + b_j: its gradient is w_j and its IG (x − x′) · w_j.</summary>
    [Fact]
    public void OnALinearLayerTheNeuronsGradientIsItsWeightRow()
    {
        using var linear = LinearModels.Linear(1, 3, 3, classes: 4);
        using var x = torch.randn(2, 1, 3, 3);
        using var weights = LinearModels.Weights(linear);
        var neuron = Neuron.Parse("fc:2");
        using var gradient = new NeuronGradient(linear, neuron).Attribute(x, Target.Predicted);
        using var ig = new NeuronIntegratedGradients(linear, neuron, 4).Attribute(x, Target.Predicted);
        using var row = weights[2].reshape(1, 1, 3, 3);
        LinearModelTests.AssertClose(row.expand(2, 1, 3, 3), gradient.Values, 1e-6f);
        LinearModelTests.AssertClose(x * row, ig.Values, 1e-5f);
    }

    [Theory]
    [InlineData("conv3:64:3,3", "outside layer 'conv3', which outputs [N, 64, 7, 7]")]
    [InlineData("conv3:5:7,0", "outside layer 'conv3'")]
    [InlineData("conv3:5", "give the position too")]
    [InlineData("fc:3:0,0", "which has no positions")]
    [InlineData("nosuch:1", "unknown layer 'nosuch'")]
    public void ANeuronOutsideItsLayerIsAUsageError(string text, string message)
    {
        var error = Assert.Throws<LumenException>(() => new NeuronGradient(model, Neuron.Parse(text)));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("conv3")]
    [InlineData("conv3:five")]
    [InlineData("conv3:5:3")]
    [InlineData("conv3:-1:3,3")]
    public void AMalformedNeuronIsAUsageError(string text)
    {
        var error = Assert.Throws<LumenException>(() => Neuron.Parse(text));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("expected LAYER:CHANNEL:ROW,COL", error.Message);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
