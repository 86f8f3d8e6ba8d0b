using Lumen.Data;
using Lumen.Imaging;
using Lumen.Runtime;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// The global --device option: cpu gives exactly what the commands give without it; cuda on a machine without a GPU,
/// and any unknown device, stop the command with one line, a usage exit code and no output.
/// </summary>
public sealed class DeviceOptionTests
{
    private const string NoCuda = "lumen: --device cuda: CUDA is not available here (this build of libtorch is CPU-only or no GPU is visible); use --device cpu";

    [Fact]
    public void ExplainOnTheCpuWritesTheSameFilesAsWithoutTheOption()
    {
        using var folder = new TempDirectory();
        string[] Args(string output) => ["explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam,integrated-gradients,occlusion,lrp", "--layer", "conv3", "--out", output, "--json"];
        var plain = CliRunner.Run(Args(folder.File("plain")));
        var cpu = CliRunner.Run([.. Args(folder.File("cpu")), "--device", "cpu"]);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(cpu.ExitCode == 0, cpu.Error);
        AssertSameFiles(folder.File("plain"), folder.File("cpu"));
        Assert.Equal(plain.Output.Replace(folder.File("plain"), "OUT"), cpu.Output.Replace(folder.File("cpu"), "OUT"));
    }

    [Fact]
    public void EvaluateAndLayersOnTheCpuGiveTheSameResultsAsWithoutTheOption()
    {
        using var folder = new TempDirectory();
        string[] Evaluate(string output) => ["evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam,random", "--layer", "conv3", "--metric", "deletion", "--out", output];
        var plain = CliRunner.Run(Evaluate(folder.File("plain")));
        var cpu = CliRunner.Run(["--device", "cpu", .. Evaluate(folder.File("cpu"))]);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(cpu.ExitCode == 0, cpu.Error);
        AssertSameFiles(folder.File("plain"), folder.File("cpu"));

        var layers = CliRunner.Run("layers", "--model", "fmnist-cnn");
        var layersBefore = CliRunner.Run("--device", "cpu", "layers", "--model", "fmnist-cnn");
        var layersAfter = CliRunner.Run("layers", "--model", "fmnist-cnn", "--device", "CPU");
        Assert.Equal(0, layers.ExitCode);
        Assert.Equal(layers.Output, layersBefore.Output);
        Assert.Equal(layers.Output, layersAfter.Output);
    }

    [Fact]
    public void TopKOnTheCpuRanksTheSameImages()
    {
        using var folder = new TempDirectory();
        string dataPath = folder.File("forty.npy");
        using (var data = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test"))
        using (var pixels = data.LoadPixels(0, 40))
            NpyFile.Write(dataPath, pixels);
        string[] Args(string output) => ["top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", dataPath,
            "--class", "7", "--k", "3", "--batch-size", "16", "--out", output];
        var plain = CliRunner.Run(Args(folder.File("plain")));
        var cpu = CliRunner.Run([.. Args(folder.File("cpu")), "--device", "cpu"]);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(cpu.ExitCode == 0, cpu.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(folder.File("plain"), "topk.csv")), File.ReadAllText(Path.Combine(folder.File("cpu"), "topk.csv")));
    }

    public static TheoryData<string[]> ModelCommands() => new()
    {
        new[] { "explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--out", "{out}" },
        new[] { "evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--metric", "deletion", "--out", "{out}" },
        new[] { "visualize", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--class", "3", "--steps", "2", "--out", "{out}" },
        new[] { "report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--out", "{out}" },
        new[] { "bench", "--model", "fmnist-cnn", "--method", "saliency", "--out", "{out}" },
        new[] { "train", "--model", "fmnist-cnn", "--data", "fashion-mnist", "--epochs", "1", "--out", "{out}/weights.safetensors" },
        new[] { "demo", "--out", "{out}", "--cache", "{out}/cache" },
        new[] { "top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", "fashion-mnist", "--class", "7", "--out", "{out}" },
        new[] { "spray", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", "fashion-mnist", "--class", "7", "--method", "saliency", "--out", "{out}" },
        new[] { "embed", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", "fashion-mnist", "--out", "{out}" },
        new[] { "layers", "--model", "fmnist-cnn" },
    };

    [Theory]
    [MemberData(nameof(ModelCommands))]
    public void CudaWithoutAGpuStopsEveryCommandWithOneLineAndNoOutput(string[] command)
    {
        if (ComputeDevice.VisibleCudaDevices() > 0) return; // this check is about machines without CUDA
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run([.. command.Select(a => a.Replace("{out}", output)), "--device", "cuda"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(NoCuda, result.Error.TrimEnd());
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(output), "nothing may be written");
    }

    [Fact]
    public void ACudaIndexWithoutAGpuAndAnUnknownDeviceFailTheSameWay()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        string[] explain = ["explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--out", output];

        var unknown = CliRunner.Run([.. explain, "--device", "gpu"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("lumen: --device gpu: unknown device; use cpu, cuda or cuda:N", unknown.Error.TrimEnd());
        Assert.False(Directory.Exists(output));

        if (ComputeDevice.VisibleCudaDevices() > 0) return;
        var indexed = CliRunner.Run(["--device", "cuda:1", .. explain]);
        Assert.Equal(2, indexed.ExitCode);
        Assert.Equal(NoCuda.Replace("--device cuda:", "--device cuda:1:"), indexed.Error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TheHelpOfEveryCommandOffersTheOption()
    {
        foreach (string command in new[] { "explain", "top-k", "train" })
        {
            var help = CliRunner.Run(command, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("--device", help.Output);
            Assert.Contains("cpu, cuda or cuda:N", help.Output);
        }
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order().ToList();
        Assert.NotEmpty(names);
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order().ToList());
        foreach (string name in names!)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), $"{name} differs");
    }
}
