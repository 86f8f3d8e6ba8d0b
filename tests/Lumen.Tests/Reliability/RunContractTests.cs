using Lumen.Tests.Cli;
using Lumen.Tests.Onnx;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Settings too large for the machine are usage errors before any work; every image of a run gets its own files;
/// text from a hostile file cannot steer the terminal; the same dataset given by two paths is one dataset.
/// </summary>
public class RunContractTests
{
    private static readonly string[] Model = ["--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights];

    [Fact]
    public void AKLargerThanTheDatasetIsAUsageError()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run(["top-k", .. Model, "--data", Fixtures.FmnistInputs, "--layer", "conv3", "--k", "2000000000", "--out", folder.File("out")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--k 2000000000 is more than the 4 images", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RiseMasksBeyondMemoryAreAUsageErrorInsteadOfACrash()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run(["explain", .. Model, "--input", Fixtures.FmnistInputs, "--method", "rise", "--param", "masks=200000000", "--out", folder.File("out")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("RISE with 200000000 masks", result.Error, StringComparison.Ordinal);
        Assert.Contains("use fewer masks", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Theory]
    [InlineData("lime", "2000000000", "more than an array holds")]
    [InlineData("kernel-shap", "2147483647", "more than an array holds")]
    [InlineData("lime-noise", "2000000000", "more than an array holds")]
    [InlineData("lime", "20000000", "of memory")]
    public void SurrogateSamplesBeyondMemoryAreAUsageError(string method, string samples, string expected)
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run(["explain", .. Model, "--input", Fixtures.FmnistInputs, "--method", method, "--param", $"samples={samples}", "--out", folder.File("out")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Contains("use fewer samples", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedAllocationsAreRecognisedAsMemoryNotBugs()
    {
        Assert.True(Lumen.Cli.OutOfMemory.Is(new OutOfMemoryException()));
        Assert.True(Lumen.Cli.OutOfMemory.Is(new InvalidOperationException("outer", new System.Runtime.InteropServices.ExternalException(
            "[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory: you tried to allocate 4398046511104 bytes."))));
        Assert.False(Lumen.Cli.OutOfMemory.Is(new System.Runtime.InteropServices.ExternalException("shape '[1, 256]' is invalid for input of size 1024")));
    }

    [Fact]
    public void MoreThreadsThanCoresIsAUsageError()
    {
        var result = CliRunner.Run("models", "--threads", "10000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"give 1 to {Environment.ProcessorCount}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesWithTheSameNameInDifferentFoldersKeepSeparateFiles()
    {
        using var folder = new TempDirectory();
        foreach (string sub in new[] { "a", "b", "c" }) Directory.CreateDirectory(folder.File(sub));
        string first = ExplainCommandTests.WriteSampleImage(folder, 0, Path.Combine("a", "x.png"));
        string second = ExplainCommandTests.WriteSampleImage(folder, 1, Path.Combine("b", "x.png"));
        string third = ExplainCommandTests.WriteSampleImage(folder, 2, Path.Combine("c", "x-2.png"));
        string output = folder.File("out");
        var result = CliRunner.Run(["explain", .. Model, "--image", first, second, third, "--method", "saliency", "--out", output]);
        Assert.True(result.ExitCode == 0, result.Error);
        // The first x keeps its name, c/x-2.png keeps its own, and b/x.png takes the first free suffix.
        Assert.Equal(["x-2.saliency.npy", "x-2.saliency.png", "x-3.saliency.npy", "x-3.saliency.png", "x.saliency.npy", "x.saliency.png"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "x", "x", "x-2" }, new[] { "x", "x-3", "x-2" })]
    [InlineData(new[] { "x", "x-2", "x", "x" }, new[] { "x", "x-2", "x-3", "x-4" })]
    [InlineData(new[] { "a", "b" }, new[] { "a", "b" })]
    public void StemsAreUniqueAcrossTheRun(string[] stems, string[] expected) =>
        Assert.Equal(expected, Lumen.Cli.Commands.ExplainInput.UniqueStems(stems));

    [Fact]
    public void EscapeSequencesInLabelsNeverReachTheTerminal()
    {
        using var folder = new TempDirectory();
        string model = folder.File("mnist.onnx");
        File.Copy(MnistImportTests.MnistPath, model);
        File.Copy(MnistImportTests.MnistPath + ".data", folder.File("mnist.onnx.data"));
        string hostile = "\u001b]0;owned\u0007\u001b[2J\u009b31m";
        var labels = Enumerable.Range(0, 10).Select(i => $"\"{System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(hostile)}digit {i}\"");
        File.WriteAllText(model + ".json", $"{{\"labels\": [{string.Join(", ", labels)}]}}");
        var result = CliRunner.Run("explain", "--model", model, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("digit", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Output + result.Error, c => char.IsControl(c) && c != '\n' && c != '\t');
    }

    [Fact]
    public void ShardsOfOneDatasetGivenByARelativeAndAnAbsolutePathMerge()
    {
        using var folder = new TempDirectory();
        string data = folder.File("digits");
        Directory.CreateDirectory(data);
        TinyFashionMnist.Write(data, 10, 40);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, data);
        Assert.False(Path.IsPathRooted(relative));
        string shards = folder.File("shards");
        foreach (var (shard, path) in new[] { ("0/2", relative), ("1/2", data) })
        {
            var part = CliRunner.Run(["top-k", .. Model, "--data", path, "--class", "all", "--k", "3", "--out", shards, "--shard", shard]);
            Assert.True(part.ExitCode == 0, part.Error);
        }
        var merged = CliRunner.Run("merge", "--out", folder.File("merged"), Path.Combine(shards, "topk.shard-0-of-2.json"), Path.Combine(shards, "topk.shard-1-of-2.json"));
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.True(File.Exists(folder.File("merged/topk.png")));
    }
}
