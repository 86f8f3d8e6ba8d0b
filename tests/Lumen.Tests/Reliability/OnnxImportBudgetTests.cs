using Lumen.Onnx;
using Lumen.Tests.Onnx;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Tiny ONNX files that declare huge tensors are refused from the declared sizes, before anything is allocated, with a
/// message naming the size, the limit and how to raise it; a genuine model that needs more loads once the limit is raised.
/// </summary>
public sealed class OnnxImportBudgetTests
{
    private static LumenException Refused(string path, OnnxImportOptions? options = null)
    {
        var error = Assert.ThrowsAny<LumenException>(() => OnnxImporter.Load(path, options).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        // Not "unsupported": such a model must not fall back to ONNX Runtime, which would allocate it instead.
        Assert.IsNotType<UnsupportedGraphException>(error);
        Assert.Contains("OnnxImportOptions.MaxImportBytes", error.Message);
        Assert.Contains(ImportBudget.Variable, error.Message);
        return error;
    }

    private static string Pooled(GraphBuilder g, string x, string path) =>
        g.Save(g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) }), path);

    [Fact]
    public void DeclaredHugeInputIsRefusedBeforeTheExamplePass()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 3, 20000, 20000);
        string path = Pooled(g, "input", temp.File("huge-input.onnx"));
        Assert.True(new FileInfo(path).Length < 400);
        var error = Refused(path);
        Assert.Contains("8 copies of the input [1, 3, 20000, 20000]", error.Message);
        Assert.Contains("35.8 GiB", error.Message);
        Assert.Contains("limit of 256 MiB", error.Message);
        var blackBox = Assert.ThrowsAny<LumenException>(() => OnnxBlackBox.Load(path).Dispose());
        Assert.Contains("[1, 3, 20000, 20000]", blackBox.Message);
    }

    [Fact]
    public void ConstantOfShapeIsRefusedBeforeItIsFolded()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 3, 8, 8);
        g.Node("ConstantOfShape", new[] { g.Longs(20000, 20000) });
        var error = Refused(Pooled(g, "input", temp.File("constant.onnx")));
        Assert.Contains("ConstantOfShape", error.Message);
        Assert.Contains("1.5 GiB", error.Message);
    }

    [Fact]
    public void RangeOfConstantsIsRefusedBeforeItIsFolded()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 3, 8, 8);
        g.Node("Range", new[] { g.Longs(0), g.Longs(10_000_000_000), g.Longs(1) });
        Assert.Contains("Range", Refused(Pooled(g, "input", temp.File("range.onnx"))).Message);
    }

    [Theory]
    [InlineData("Expand")]
    [InlineData("Resize")]
    [InlineData("Pad")]
    public void OperatorThatOutgrowsItsInputIsRefusedBeforeItRuns(string op)
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 1, 8, 8);
        string grown = op switch
        {
            "Expand" => g.Node("Expand", new[] { "input", g.Longs(1, 1, 100_000, 100_000) }),
            "Resize" => g.Node("Resize", new[] { "input", "", g.Floats(1, 1, 10_000, 10_000) }, GraphBuilder.Text("mode", "linear")),
            _ => g.Node("Pad", new[] { "input", g.Longs(0, 0, 50_000, 50_000, 0, 0, 50_000, 50_000) }),
        };
        var error = Refused(Pooled(g, grown, temp.File(op + ".onnx")));
        Assert.Contains($"ONNX {op} node", error.Message);
    }

    [Fact]
    public void InputOfAnEighthOfTheLimitLoadsAndALargerOneIsRefused()
    {
        using var temp = new TempDirectory();
        string fits = Pooled(new GraphBuilder(1, 13, 3, 1600, 1600), "input", temp.File("fits.onnx"));
        using (var model = OnnxImporter.Load(fits)) Assert.Equal(new long[] { 3, 1600, 1600 }, model.InputShape);
        var error = Refused(Pooled(new GraphBuilder(1, 13, 3, 1700, 1700), "input", temp.File("large.onnx")));
        Assert.Contains("8 copies of the input [1, 3, 1700, 1700]", error.Message);
    }

    [Fact]
    public void GraphRoutedToOnnxRuntimeByAnUnsupportedOperatorIsScreenedFirst()
    {
        // Softplus sends the model to ONNX Runtime, which would fold the 1.5 GiB constant itself.
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 1, 8, 8);
        string soft = g.Node("Softplus", new[] { "input" });
        string big = g.Node("ConstantOfShape", new[] { g.Longs(20000, 20000) });
        string sum = g.Node("ReduceMean", new[] { big }, GraphBuilder.Int("keepdims", 0));
        string path = g.Save(g.Node("Add", new[] { g.Node("Flatten", new[] { soft }), sum }), temp.File("routed.onnx"));
        Assert.IsType<UnsupportedGraphException>(Assert.ThrowsAny<LumenException>(() => OnnxImporter.Load(path).Dispose()));
        var error = Assert.ThrowsAny<LumenException>(() => OnnxBlackBox.Load(path).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("ConstantOfShape", error.Message);
        Assert.Contains(ImportBudget.Variable, error.Message);
    }

    [Fact]
    public void TheLimitIsAnOption()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 13, 3, 512, 512);
        string path = Pooled(g, "input", temp.File("big.onnx"));
        var error = Refused(path, new OnnxImportOptions { MaxImportBytes = 16 << 20 });
        Assert.Contains("limit of 16 MiB", error.Message);
        using var loaded = OnnxImporter.Load(path, new OnnxImportOptions { MaxImportBytes = 64 << 20 });
        Assert.Equal(new long[] { 3, 512, 512 }, loaded.InputShape);
        using var mnist = OnnxImporter.Load(MnistImportTests.MnistPath);
    }
}
