using System.Text.Json;
using System.Text.RegularExpressions;
using Lumen.Imaging;
using Lumen.Tests.Attributions;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// <c>lumen methods</c>, <c>lumen explain</c> and <c>lumen report</c> with DeepLift, DeepLift SHAP, GradientSHAP and the
/// layer and neuron methods: the written arrays match the references, and bad settings are one-line usage errors (exit 2).
/// </summary>
public class DeepLiftLayerNeuronCliTests
{
    private static readonly string[] Model = { "-m", "fmnist-cnn", "-w", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--target", "7,2,1,1" };

    [Fact]
    public void MethodsListsThemWithTheirSettings()
    {
        var plain = CliRunner.Run("methods");
        Assert.Equal(0, plain.ExitCode);
        foreach (string name in new[]
                 {
                     "deeplift", "deeplift-shap", "gradient-shap", "layer-integrated-gradients", "layer-conductance", "layer-gradient-x-activation",
                     "internal-influence", "neuron-gradient", "neuron-integrated-gradients", "neuron-conductance", "neuron-guided-backprop",
                 })
            Assert.Contains(name + " ", plain.Output);
        var verbose = CliRunner.Run("methods", "--verbose");
        Assert.Contains("--param baselines=FILE.npy  (required)", verbose.Output);
        Assert.Contains("--param neuron=LAYER:CHANNEL:ROW,COL  (required)", verbose.Output);
        Assert.Contains("--param method=riemann-trapezoid", verbose.Output);
    }

    [Fact]
    public void ExplainWritesWhatTheReferencesHold()
    {
        using var folder = new TempDirectory();
        var runs = new[]
        {
            (new[] { "--method", "deeplift" }, new[] { ("deeplift", "deeplift_rescale_corrected") }),
            (new[] { "--method", "deeplift-shap", "-p", "baselines=" + ExtendedReference.DeepLiftShapBaselines }, new[] { ("deeplift-shap", "deeplift_shap_rescale_corrected") }),
            (new[] { "--method", "layer-integrated-gradients,layer-conductance,layer-gradient-x-activation,internal-influence", "--layer", "conv2" },
                new[] { ("layer-integrated-gradients", "captum_layer_ig"), ("layer-conductance", "captum_layer_conductance"), ("layer-gradient-x-activation", "captum_layer_gradient_x_activation"), ("internal-influence", "captum_internal_influence") }),
            (new[] { "--method", "neuron-gradient,neuron-integrated-gradients,neuron-conductance,neuron-guided-backprop", "-p", "neuron=conv3:5:3,3" },
                new[] { ("neuron-gradient", "captum_neuron_gradient"), ("neuron-integrated-gradients", "captum_neuron_ig"), ("neuron-conductance", "captum_neuron_conductance_riemann_trapezoid"), ("neuron-guided-backprop", "captum_neuron_guided_backprop") }),
            (new[] { "--method", "neuron-conductance", "-p", "neuron=conv3:5:3,3", "-p", "method=gausslegendre" }, new[] { ("neuron-conductance", "captum_neuron_conductance") }),
        };
        int run = 0;
        foreach (var (arguments, expectations) in runs)
        {
            string output = folder.File($"out{run++}");
            var result = CliRunner.Run([.. new[] { "explain" }, .. Model, .. arguments, "--out", output, "--json"]);
            Assert.True(result.ExitCode == 0, result.Error);
            foreach (var (method, reference) in expectations)
            {
                using var written = NpyFile.Read(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{method}.npy"));
                using var expected = NpyFile.Read(ExtendedReference.Attribution(reference));
                ReferenceComparison.AssertMatches(expected, written);
                Assert.True(File.Exists(Path.Combine(output, $"fmnist_cnn_inputs_0_3.0.{method}.png")));
            }
            using var json = JsonDocument.Parse(result.Output);
            var first = json.RootElement.GetProperty("methods")[0];
            if (first.GetProperty("name").GetString() is "deeplift" or "deeplift-shap" or "layer-integrated-gradients")
                Assert.Equal(4, first.GetProperty("extras").GetProperty("delta").GetArrayLength());
        }
    }

    [Fact]
    public void GradientShapIsSeeded()
    {
        using var folder = new TempDirectory();
        string[] arguments = { "--method", "gradient-shap", "-p", "baselines=" + ExtendedReference.DeepLiftShapBaselines, "-p", "stdev=0.1", "-p", "seed=4" };
        Assert.Equal(0, CliRunner.Run([.. new[] { "explain" }, .. Model, .. arguments, "--out", folder.File("a")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. new[] { "explain" }, .. Model, .. arguments, "--out", folder.File("b")]).ExitCode);
        using var a = NpyFile.Read(Path.Combine(folder.File("a"), "fmnist_cnn_inputs_0_3.gradient-shap.npy"));
        using var b = NpyFile.Read(Path.Combine(folder.File("b"), "fmnist_cnn_inputs_0_3.gradient-shap.npy"));
        Assert.True(a.allclose(b, 0, 0));
    }

    [Theory]
    [InlineData("deeplift-shap", "", "method 'deeplift-shap' needs --param baselines=FILE.npy")]
    [InlineData("gradient-shap", "baselines=nosuch.npy", "--param baselines=nosuch.npy: the file does not exist")]
    [InlineData("neuron-gradient", "", "method 'neuron-gradient' needs --param neuron=")]
    [InlineData("neuron-conductance", "neuron=conv3:64:3,3", "outside layer 'conv3', which outputs [N, 64, 7, 7]")]
    [InlineData("neuron-integrated-gradients", "neuron=conv3:5", "give the position too")]
    [InlineData("layer-conductance", "", "method 'layer-conductance' needs a layer")]
    [InlineData("internal-influence", "", "method 'internal-influence' needs a layer")]
    [InlineData("layer-integrated-gradients", "", "method 'layer-integrated-gradients' needs a layer")]
    [InlineData("layer-gradient-x-activation", "", "method 'layer-gradient-x-activation' needs a layer")]
    [InlineData("deeplift", "baseline=zero,blur", "this method takes one baseline")]
    public void BadSettingsAreOneLineUsageErrors(string method, string parameter, string message)
    {
        using var folder = new TempDirectory();
        var arguments = new List<string> { "explain" };
        arguments.AddRange(Model);
        arguments.AddRange(new[] { "--method", method, "--out", folder.File("out") });
        if (parameter.Length > 0) arguments.AddRange(new[] { "--param", parameter });
        var result = CliRunner.Run([.. arguments]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(folder.File("out")));
    }

    /// <summary>Settings go to every method of a call, so methods with different settings need separate reports.</summary>
    [Theory]
    [InlineData("deeplift,layer-gradient-x-activation,internal-influence", "", "explains Sneaker")]
    [InlineData("neuron-gradient,neuron-guided-backprop", "neuron=conv3:5:3,3", "explains neuron conv3:5:3,3")]
    public void TheReportShowsThem(string methods, string parameter, string caption)
    {
        using var folder = new TempDirectory();
        string[] names = methods.Split(',');
        var arguments = new List<string> { "report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", methods, "--layer", "conv2", "--out", folder.Path };
        if (parameter.Length > 0) arguments.AddRange(new[] { "--param", parameter });
        var result = CliRunner.Run([.. arguments]);
        Assert.True(result.ExitCode == 0, result.Error);
        var html = File.ReadAllText(Path.Combine(folder.Path, "index.html"));
        Assert.Equal(4 + 4 * names.Length, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        foreach (var method in names) Assert.Contains($"<th>{method}</th>", html);
        Assert.Contains(caption, html);
    }
}
