using Lumen.Imaging;
using Lumen.Tests.Attributions;
using Lumen.Tests.Models;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// The command line on vision transformers: the built-in vit-tiny's layers, the rollout methods and a token-layer
/// Grad-CAM through <c>lumen explain</c> and <c>lumen report</c>, and their usage errors.
/// </summary>
public sealed class TransformerCliTests
{
    [Fact]
    public void LayersListTheBlockParts()
    {
        var result = CliRunner.Run("layers", "--model", "vit-tiny");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("encoder.layers.encoder_layer_1.self_attention.softmax", result.Output);
        Assert.Contains("encoder.layers.encoder_layer_1.add_2", result.Output);
        var methods = CliRunner.Run("methods");
        Assert.Contains("attention-rollout", methods.Output);
        Assert.Contains("grad-attention-rollout", methods.Output);
    }

    [Fact]
    public void ExplainWritesTheReferenceRolloutsAndTokenGradCam()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "-m", "vit-tiny", "-w", ViTFixtures.Weights, "--input", ViTFixtures.Inputs,
            "--method", "attention-rollout,grad-attention-rollout", "--target", "8", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var cam = CliRunner.Run("explain", "-m", "vit-tiny", "-w", ViTFixtures.Weights, "--input", ViTFixtures.Inputs,
            "--method", "gradcam", "--layer", "encoder.layers.encoder_layer_1.ln_1", "--param", "relu=false", "--target", "8", "--out", output);
        Assert.True(cam.ExitCode == 0, cam.Error);
        Assert.Contains("attention-rollout: head-fusion=mean, discard-ratio=0", result.Output);
        foreach (var (method, reference) in new[] { ("attention-rollout", "attention_rollout"), ("grad-attention-rollout", "grad_attention_rollout"), ("gradcam", "gradcam_gradcam__raw") })
        {
            using var written = NpyFile.Read(Path.Combine(output, $"tiny_vit_inputs_rs11.{method}.npy"));
            using var expected = NpyFile.Read(ViTFixtures.File(reference));
            ReferenceComparison.AssertMatches(expected, written.squeeze(1));
        }

        var report = CliRunner.Run("report", "-m", "vit-tiny", "-w", ViTFixtures.Weights, "--input", ViTFixtures.Inputs,
            "--method", "attention-rollout,grad-attention-rollout", "--out", folder.File("report"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains("gradient-weighted attention rollout", File.ReadAllText(Path.Combine(folder.File("report"), "index.html")));
    }

    [Theory]
    [InlineData("fmnist-cnn", "attention-rollout", "discard-ratio=0", "has no softmax layer")]
    [InlineData("vit-tiny", "attention-rollout", "discard-ratio=1", "discard-ratio must be in [0, 1)")]
    [InlineData("vit-tiny", "attention-rollout", "head-fusion=median", "head-fusion")]
    public void UsageErrorsAreOneLineWithExitCode2(string model, string method, string parameter, string message)
    {
        using var folder = new TempDirectory();
        string input = model == "vit-tiny" ? ViTFixtures.Inputs : Fixtures.FmnistInputs;
        var result = CliRunner.Run("explain", "-m", model, "--input", input, "--method", method, "--param", parameter, "--out", folder.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }
}
