using System.Text.Json;
using Lumen.Imaging;
using Lumen.Tests.Attributions;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>The perturbation family through <c>lumen explain</c> and <c>lumen methods</c> on the reference CNN.</summary>
public class PerturbationCommandTests
{
    private static readonly string Weights = Fixtures.FmnistWeights;

    private static CliRunner.Result Explain(string output, params string[] arguments) =>
        CliRunner.Run(new[] { "explain", "--model", "fmnist-cnn", "--weights", Weights, "--input", Fixtures.FmnistInputs, "--out", output }
            .Concat(arguments).ToArray());

    [Fact]
    public void OcclusionAndFeatureAblationWriteCaptumsMaps()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = Explain(output, "--method", "occlusion", "--param", "window=4", "--param", "stride=2", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"occlusion  \[#{30}\]  (\d+)/\1", result.Error);
        var ablationRun = Explain(output, "--method", "feature-ablation", "--param", $"feature-mask={Fixtures.FeatureMask}");
        Assert.True(ablationRun.ExitCode == 0, ablationRun.Error);
        using var occlusion = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.occlusion.npy"));
        using var expectedOcclusion = NpyFile.Read(Fixtures.Attribution("captum_occlusion"));
        ReferenceComparison.AssertMatches(expectedOcclusion, occlusion, 1e-4);
        using var ablation = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.feature-ablation.npy"));
        using var expectedAblation = NpyFile.Read(Fixtures.Attribution("captum_feature_ablation"));
        ReferenceComparison.AssertMatches(expectedAblation, ablation, 1e-4);
        using var json = JsonDocument.Parse(result.Output);
        var settings = json.RootElement.GetProperty("methods")[0].GetProperty("settings");
        Assert.Equal("4", settings.GetProperty("window").GetString());
        Assert.Equal("zero", settings.GetProperty("baseline").GetString());
        Assert.Equal(2 + 2 * 4, Directory.GetFiles(output).Length);
    }

    [Fact]
    public void OcclusionTakesBlurAndMeanBaselines()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        foreach (string baseline in new[] { "blur", "mean" })
        {
            var result = Explain(output, "--method", "occlusion", "--param", "window=7", "--param", "stride=7", "--param", $"baseline={baseline}", "--json");
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains(baseline == "blur" ? "\"blur:5\"" : "\"mean\"", result.Output);
            using var map = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.occlusion.npy"));
            Assert.Equal(new long[] { 4, 1, 28, 28 }, map.shape);
            Assert.True(map.abs().max().item<float>() > 0);
        }
    }

    [Theory]
    [InlineData("rise", "masks=60")]
    [InlineData("lime", "samples=40")]
    [InlineData("kernel-shap", "samples=40")]
    [InlineData("lime-noise", "samples=40")]
    public void RandomMethodsWriteAMapOfTheInputsSizeAndRepeatWithTheSameSeed(string method, string setting)
    {
        using var folder = new TempDirectory();
        var first = Explain(folder.File("a"), "--method", method, "--param", setting, "--param", "seed=4", "--json");
        Assert.True(first.ExitCode == 0, first.Error);
        var second = Explain(folder.File("b"), "--method", method, "--param", setting, "--param", "seed=4");
        Assert.True(second.ExitCode == 0, second.Error);
        string name = $"fmnist_cnn_inputs_0_3.{method}.npy";
        using var map = NpyFile.Read(Path.Combine(folder.File("a"), name));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, map.shape);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.File("a"), name)), File.ReadAllBytes(Path.Combine(folder.File("b"), name)));
        using var json = JsonDocument.Parse(first.Output);
        Assert.Equal("4", json.RootElement.GetProperty("methods")[0].GetProperty("settings").GetProperty("seed").GetString());
    }

    [Fact]
    public void LimeReportsTheSurrogatesFitPerImage()
    {
        using var folder = new TempDirectory();
        var result = Explain(folder.File("out"), "--method", "lime", "--param", "samples=50", "--param", "segmentation=grid:4",
            "--param", "features=3", "--param", "selection=forward-selection", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var extras = json.RootElement.GetProperty("methods")[0].GetProperty("extras");
        Assert.Equal(4, extras.GetProperty("r2").GetArrayLength());
        Assert.All(extras.GetProperty("superpixels").EnumerateArray(), count => Assert.Equal(16, count.GetDouble()));
        using var map = NpyFile.Read(Path.Combine(folder.File("out"), "fmnist_cnn_inputs_0_3.lime.npy"));
        for (int n = 0; n < 4; n++)
        {
            using var distinct = map[n].flatten().unique().output;
            Assert.True(distinct.shape[0] <= 4, "three superpixels and zero");
        }
    }

    [Fact]
    public void LearnedMaskReportsScoreAndArea()
    {
        using var folder = new TempDirectory();
        var result = Explain(folder.File("out"), "--method", "learned-mask", "--param", "iterations=5", "--param", "perturbation=0",
            "--param", "game=preservation", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var method = json.RootElement.GetProperty("methods")[0];
        Assert.Equal("preservation", method.GetProperty("settings").GetProperty("game").GetString());
        foreach (string extra in new[] { "score", "original_score", "area" })
            Assert.Equal(4, method.GetProperty("extras").GetProperty(extra).GetArrayLength());
        using var map = NpyFile.Read(Path.Combine(folder.File("out"), "fmnist_cnn_inputs_0_3.learned-mask.npy"));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, map.shape);
    }

    [Fact]
    public void MethodsListsThePerturbationFamilyWithSettings()
    {
        var verbose = CliRunner.Run("methods", "--verbose");
        Assert.Equal(0, verbose.ExitCode);
        foreach (string name in new[] { "occlusion", "feature-ablation", "rise", "lime", "lime-noise", "kernel-shap", "learned-mask" })
            Assert.Contains(verbose.Output.Split('\n'), line => line.StartsWith(name + " ", StringComparison.Ordinal) && line.Contains("perturbation"));
        Assert.Contains("--param window=side/14, at least 2", verbose.Output);
        Assert.Contains("--param stride=half the window, at least 1", verbose.Output);
        Assert.Contains("--param feature-mask=none", verbose.Output);
    }

    [Fact]
    public void OcclusionsDefaultWindowFitsTheImageAndTheSummaryShowsIt()
    {
        using var folder = new TempDirectory();
        var text = Explain(folder.File("text"), "--method", "occlusion");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("  occlusion: window=2, stride=1, baseline=zero, output=logit", text.Output);
        var json = Explain(folder.File("json"), "--method", "occlusion", "--param", "window=8", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var settings = JsonDocument.Parse(json.Output).RootElement.GetProperty("methods")[0].GetProperty("settings");
        Assert.Equal("8", settings.GetProperty("window").GetString());
        Assert.Equal("4", settings.GetProperty("stride").GetString());
    }
}
