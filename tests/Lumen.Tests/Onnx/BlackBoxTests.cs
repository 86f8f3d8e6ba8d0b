using Lumen.Attributions.Perturbation;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>Perturbation methods on ONNX Runtime (black box): same maps as on the imported module; CLI fallback.</summary>
public sealed class BlackBoxTests
{
    [Fact]
    public void OcclusionOnOnnxRuntimeMatchesOcclusionOnTheImportedModule()
    {
        using var scope = torch.NewDisposeScope();
        using var imported = OnnxImporter.Load(MnistImportTests.MnistPath);
        using var blackBox = OnnxBlackBox.Load(MnistImportTests.MnistPath);
        Assert.Empty(blackBox.LayerNames);
        Tensor input = torch.rand(new long[] { 2, 1, 28, 28 }, generator: new Generator(31));
        var options = new EvaluationOptions { BatchSize = 16 };
        using var ours = new Occlusion(imported, new WindowShape(7, 7), new WindowShape(7, 7), options: options).Attribute(input, Target.Class(3));
        using var runtime = new Occlusion(blackBox, new WindowShape(7, 7), new WindowShape(7, 7), options: options).Attribute(input, Target.Class(3));
        Assert.True(ours.Values.abs().max().item<float>() > 1e-3);
        double difference = (ours.Values - runtime.Values).abs().max().item<float>();
        Assert.True(difference <= 1e-4, $"max abs difference {difference}");
    }

    [Fact]
    public void GradientsOnTheBlackBoxAreRefusedClearly()
    {
        using var blackBox = OnnxBlackBox.Load(MnistImportTests.MnistPath);
        using var input = torch.rand(1, 1, 28, 28);
        var error = Assert.Throws<LumenException>(() => new Lumen.Attributions.Gradients.Saliency(blackBox).Attribute(input, Target.Class(0)).Dispose());
        Assert.Contains("black box, which gives no gradients", error.Message);
    }

    [Fact]
    public void ExplainFallsBackToOnnxRuntimeForPerturbationMethodsAndSaysSo()
    {
        using var folder = new TempDirectory();
        string model = HostileFiles.Unsupported(folder.Path);
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", model, "--input", WriteInput(folder), "--method", "occlusion",
            "--param", "window=4", "--target", "0", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ONNX operator 'Softplus' (node 'softplus_0') is not supported", result.Error);
        Assert.Contains("running it on ONNX Runtime", result.Error.Replace(model + " ", "it "));
        Assert.True(File.Exists(Path.Combine(output, "input.occlusion.npy")));

        result = CliRunner.Run("explain", "--model", model, "--input", WriteInput(folder), "--method", "occlusion,saliency", "--out", folder.File("out2"));
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("so saliency cannot run on", result.Error);
        Assert.False(Directory.Exists(folder.File("out2")));
    }

    private static string WriteInput(TempDirectory folder)
    {
        string path = folder.File("input.npy");
        using var input = torch.rand(new long[] { 1, 1, 8, 8 }, generator: new Generator(2));
        Lumen.Imaging.NpyFile.Write(path, input);
        return path;
    }
}
