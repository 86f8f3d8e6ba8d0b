using Lumen.Onnx;
using Lumen.Tests.Cli;
using Xunit;

namespace Lumen.Tests.Onnx;

/// <summary>Input size, mean, std and labels of ONNX models from the graph, the sidecar JSON and the command line.</summary>
public sealed class PreprocessingTests
{
    [Fact]
    public void SidecarGivesMeanStdAndLabelsAndTheCommandLineOverridesIt()
    {
        using var folder = new TempDirectory();
        string model = folder.File("mnist.onnx");
        File.Copy(MnistImportTests.MnistPath, model);
        File.Copy(MnistImportTests.MnistPath + ".data", folder.File("mnist.onnx.data"));
        File.WriteAllText(model + ".json", """{"mean": [0.1307], "std": [0.3081], "labels": ["zero","one","two","three","four","five","six","seven","eight","nine"]}""");
        var sidecar = OnnxSidecar.ReadFor(model);
        var options = sidecar.ToImportOptions(OnnxImporter.DescribeInput(model).Shape);
        Assert.Equal(new long[] { 1, 28, 28 }, options.InputShape);
        Assert.Equal(new[] { 0.1307f }, options.Preprocessing!.Mean);
        Assert.Equal(new[] { 0.3081f }, options.Preprocessing.Std);
        using var loaded = OnnxImporter.Load(model, options);
        Assert.Equal("three", loaded.LabelOf(3));

        var overridden = sidecar.With(new OnnxSidecar { Mean = new[] { 0.5f } }).ToImportOptions(new long?[] { 1, 28, 28 });
        Assert.Equal(new[] { 0.5f }, overridden.Preprocessing!.Mean);
        Assert.Equal(new[] { 0.3081f }, overridden.Preprocessing.Std);
    }

    [Fact]
    public void OpenInputSizeNeedsSize()
    {
        var sidecar = new OnnxSidecar();
        var error = Assert.Throws<LumenException>(() => sidecar.ToImportOptions(new long?[] { 3, null, null }));
        Assert.Contains("--size", error.Message);
        var options = (sidecar with { Size = new[] { 32, 40 } }).ToImportOptions(new long?[] { 3, null, null });
        Assert.Equal(new long[] { 3, 32, 40 }, options.InputShape);
    }

    [Theory]
    [InlineData("""{"mean": [0.1, 0.2]}""", "--mean has 2 values, but the model takes 1 channels")]
    [InlineData("""{"mean": "x"}""", "is not a valid model sidecar")]
    [InlineData("""{"scale": 2}""", "unknown field 'scale'")]
    [InlineData("""{"labels": ["a"]}""", "the sidecar lists 1 labels, but the ONNX model returns 10 classes")]
    public void BadSidecarsFailWithOneLine(string json, string message)
    {
        using var folder = new TempDirectory();
        string model = folder.File("mnist.onnx");
        File.Copy(MnistImportTests.MnistPath, model);
        File.Copy(MnistImportTests.MnistPath + ".data", folder.File("mnist.onnx.data"));
        File.WriteAllText(model + ".json", json);
        var result = CliRunner.Run("layers", "--model", model);
        Assert.NotEqual(0, result.ExitCode);
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, line);
    }

    [Fact]
    public void CommandLineSizeMustFitTheGraph()
    {
        var result = CliRunner.Run("layers", "--model", MnistImportTests.MnistPath, "--size", "32");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not fit the given size [1, 32, 32]", result.Error);
    }
}
