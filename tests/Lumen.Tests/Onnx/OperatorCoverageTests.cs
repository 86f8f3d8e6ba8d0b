using Lumen.Onnx;
using Lumen.Onnx.Proto;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Graphs written node by node that use the operators exporters emit (SAME padding, asymmetric pads, grouped and
/// dilated convolutions, hard activations, branches joined by Concat and Mul, Split, Slice, Pad, Resize, Transpose,
/// Shape/Gather arithmetic, ReduceMean, MatMul, Softmax): the import agrees with ONNX Runtime on random inputs.
/// </summary>
public sealed class OperatorCoverageTests
{
    private static void AssertAgrees(string path, long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(path);
        using var runtime = new OnnxRuntimeSession(path);
        Tensor input = torch.randn(new[] { 3L }.Concat(shape).ToArray(), generator: new Generator(17));
        Tensor reference = runtime.Run(input);
        Tensor ours = model.Predict(input);
        Assert.Equal(reference.shape, ours.shape);
        double difference = (ours - reference).abs().max().item<float>();
        Assert.True(difference <= 1e-4, $"max abs difference to ONNX Runtime {difference}");
    }

    [Fact]
    public void ConvolutionAndPoolingVariantsAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(1, 14, 3, 17, 17);
        string x = g.Node("Conv", new[] { "input", g.Weight(new long[] { 8, 3, 3, 3 }, typed: true), g.Weight(new long[] { 8 }) },
            GraphBuilder.Text("auto_pad", "SAME_UPPER"), GraphBuilder.Ints("strides", 2, 2));
        x = g.Node("LeakyRelu", new[] { x }, GraphBuilder.Float("alpha", 0.2f));
        x = g.Node("Conv", new[] { x, g.Weight(new long[] { 8, 2, 3, 3 }) }, GraphBuilder.Int("group", 4),
            GraphBuilder.Ints("pads", 0, 1, 2, 1), GraphBuilder.Ints("dilations", 1, 2));
        string gate = g.Node("HardSigmoid", new[] { x });
        x = g.Node("Mul", new[] { x, gate });
        x = g.Node("Clip", new[] { x, g.Floats(0f), g.Floats(6f) });
        x = g.Node("MaxPool", new[] { x }, GraphBuilder.Ints("kernel_shape", 3, 3), GraphBuilder.Ints("pads", 0, 0, 1, 1), GraphBuilder.Ints("strides", 2, 2));
        x = g.Node("Resize", new[] { x, "", g.Floats(1, 1, 2, 2) }, GraphBuilder.Text("mode", "nearest"),
            GraphBuilder.Text("coordinate_transformation_mode", "asymmetric"), GraphBuilder.Text("nearest_mode", "floor"));
        x = g.Node("AveragePool", new[] { x }, GraphBuilder.Ints("kernel_shape", 2, 2), GraphBuilder.Ints("strides", 2, 2), GraphBuilder.Ints("pads", 1, 1, 1, 1));
        x = g.Node("HardSwish", new[] { x });
        x = g.Node("GlobalMaxPool", new[] { x });
        x = g.Node("Flatten", new[] { x });
        x = g.Node("Gemm", new[] { x, g.Weight(new long[] { 8, 5 }), g.Weight(new long[] { 5 }) }, GraphBuilder.Float("alpha", 0.5f));
        x = g.Node("Softmax", new[] { x });
        AssertAgrees(g.Save(x, temp.File("conv.onnx")), new long[] { 3, 17, 17 });
    }

    [Fact]
    public void BranchesAndShapeArithmeticAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(2, 13, 4, 8, 8);
        string[] halves = g.Nodes("Split", new[] { "input", g.Longs(2, 2) }, 2, GraphBuilder.Int("axis", 1));
        string a = g.Node("Sigmoid", new[] { halves[0] });
        string b = g.Node("Tanh", new[] { halves[1] });
        string x = g.Node("Concat", new[] { a, b, halves[0] }, GraphBuilder.Int("axis", 1));
        x = g.Node("BatchNormalization", new[] { x, g.Weight(new long[] { 6 }), g.Weight(new long[] { 6 }), g.Weight(new long[] { 6 }), g.Floats(1, 2, 0.5f, 1, 1.5f, 3) });
        x = g.Node("Pad", new[] { x, g.Longs(0, 0, 1, 2, 0, 0, 2, 1) }, GraphBuilder.Text("mode", "reflect"));
        x = g.Node("Slice", new[] { x, g.Longs(1, -9), g.Longs(long.MaxValue, -1), g.Longs(2, 3), g.Longs(2, 1) });
        x = g.Node("Transpose", new[] { x }, GraphBuilder.Ints("perm", 0, 1, 3, 2));
        x = g.Node("Sub", new[] { x, g.Weight(new long[] { 1, 6, 1, 1 }) });
        string mean = g.Node("ReduceMean", new[] { x }, GraphBuilder.Ints("axes", 2), GraphBuilder.Int("keepdims", 0));
        string shape = g.Node("Shape", new[] { mean });
        string batch = g.Node("Gather", new[] { shape, g.Longs(0) }, GraphBuilder.Int("axis", 0));
        string target = g.Node("Concat", new[] { batch, g.Longs(-1) }, GraphBuilder.Int("axis", 0));
        x = g.Node("Reshape", new[] { mean, target });
        x = g.Node("Unsqueeze", new[] { x, g.Longs(1) });
        x = g.Node("Squeeze", new[] { x, g.Longs(1) });
        x = g.Node("MatMul", new[] { x, g.Weight(new long[] { 30, 7 }) });
        x = g.Node("Add", new[] { x, g.Weight(new long[] { 7 }) });
        x = g.Node("Div", new[] { x, g.Floats(2f) });
        x = g.Node("LogSoftmax", new[] { x }, GraphBuilder.Int("axis", 1));
        AssertAgrees(g.Save(x, temp.File("branches.onnx")), new long[] { 4, 8, 8 });
    }

    [Fact]
    public void LinearUpsampleAndAsymmetricResizeAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var old = new GraphBuilder(3, 9, 2, 5, 7);
        string up = old.Node("Upsample", new[] { "input", old.Floats(1, 1, 2, 3) }, GraphBuilder.Text("mode", "linear"));
        up = old.Node("GlobalAveragePool", new[] { old.Node("Mul", new[] { up, up }) });
        AssertAgrees(old.Save(old.Node("Flatten", new[] { up }), temp.File("upsample.onnx")), new long[] { 2, 5, 7 });

        var g = new GraphBuilder(4, 13, 2, 6, 5);
        string x = g.Node("Resize", new[] { "input", "", g.Floats(1, 1, 1.5f, 2.5f) }, GraphBuilder.Text("mode", "linear"),
            GraphBuilder.Text("coordinate_transformation_mode", "asymmetric"));
        x = g.Node("Conv", new[] { x, g.Weight(new long[] { 3, 2, 3, 3 }) });
        x = g.Node("GlobalAveragePool", new[] { g.Node("Mul", new[] { x, x }) });
        AssertAgrees(g.Save(g.Node("Flatten", new[] { x }), temp.File("resize.onnx")), new long[] { 2, 6, 5 });
    }

    /// <summary>
    /// The operators of normalization layers and GELU as exporters decompose them (ConvNeXt, opset 13: ReduceMean, Sub,
    /// Pow, Sqrt, Div, Erf), LayerNormalization itself (opset 17), the other unary functions, and the mask arithmetic
    /// of attention blocks (Shape, ConstantOfShape, Mod, Equal, Where, Expand, Range, Dropout's mask).
    /// </summary>
    [Fact]
    public void NormalizationGeluAndMaskOperatorsAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(3, 17, 4, 6, 6);
        string x = g.Node("Conv", new[] { "input", g.Weight(new long[] { 4, 4, 1, 1 }) });
        // Channel layer norm, decomposed.
        string centred = g.Node("Sub", new[] { x, g.Node("ReduceMean", new[] { x }, GraphBuilder.Ints("axes", 1)) });
        string variance = g.Node("ReduceMean", new[] { g.Node("Pow", new[] { centred, g.Floats(2f) }) }, GraphBuilder.Ints("axes", 1));
        x = g.Node("Div", new[] { centred, g.Node("Sqrt", new[] { g.Node("Add", new[] { variance, g.Floats(1e-6f) }) }) });
        // Exact GELU, decomposed: x · ½ (1 + erf(x / √2)).
        string erf = g.Node("Erf", new[] { g.Node("Div", new[] { x, g.Floats(1.4142135f) }) });
        x = g.Node("Mul", new[] { x, g.Node("Mul", new[] { g.Node("Add", new[] { erf, g.Floats(1f) }), g.Floats(0.5f) }) });
        // Unary functions on a positive argument.
        string positive = g.Node("Add", new[] { g.Node("Abs", new[] { x }), g.Floats(1f) });
        x = g.Node("Add", new[] { x, g.Node("Log", new[] { positive }) });
        x = g.Node("Add", new[] { x, g.Node("Reciprocal", new[] { positive }) });
        x = g.Node("Add", new[] { x, g.Node("Exp", new[] { g.Node("Neg", new[] { positive }) }) });
        x = g.Node("LayerNormalization", new[] { x, g.Weight(new long[] { 6 }), g.Weight(new long[] { 6 }) }, GraphBuilder.Int("axis", -1));
        // A mask from the shape: every element's (3 mod 2) == 1, so Where keeps x; Expand broadcasts a row over x.
        var three = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
            T = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 3 } } };
        string filled = g.Node("ConstantOfShape", new[] { g.Node("Shape", new[] { x }) }, three);
        string mask = g.Node("Equal", new[] { g.Node("Mod", new[] { filled, g.Longs(2) }), g.Longs(1) });
        x = g.Node("Where", new[] { mask, x, g.Node("Neg", new[] { x }) });
        x = g.Node("Add", new[] { x, g.Node("Expand", new[] { g.Weight(new long[] { 1, 6 }), g.Node("Shape", new[] { x }) }) });
        // Range over scalars, cast and broadcast along the last axis; Dropout's mask output (all kept at inference).
        string[] scalars = new[] { 0L, 6, 1 }.Select(v => g.Node("Squeeze", new[] { g.Longs(v) })).ToArray();
        x = g.Node("Add", new[] { x, g.Node("Cast", new[] { g.Node("Range", scalars) }, GraphBuilder.Int("to", 1)) });
        string[] dropped = g.Nodes("Dropout", new[] { x }, 2);
        x = g.Node("Mul", new[] { dropped[0], g.Node("Cast", new[] { dropped[1] }, GraphBuilder.Int("to", 1)) });
        x = g.Node("Flatten", new[] { x });
        AssertAgrees(g.Save(x, temp.File("norm.onnx")), new long[] { 4, 6, 6 });
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void GeluAgreesWithOnnxRuntime(string approximate)
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(4, 20, 2, 3, 3);
        string x = g.Node("Gelu", new[] { g.Node("Mul", new[] { "input", g.Floats(3f) }) }, GraphBuilder.Text("approximate", approximate));
        AssertAgrees(g.Save(g.Node("Flatten", new[] { x }), temp.File("gelu.onnx")), new long[] { 2, 3, 3 });
    }

    /// <summary>
    /// Integer Div rounds toward zero on shape values, as attention blocks slice their fused projections:
    /// start = −((−11) / 3) = 3 (flooring would give 4), end = 2 · start.
    /// </summary>
    [Fact]
    public void IntegerDivisionOfShapeValuesTruncatesLikeOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(5, 14, 3, 4, 4);
        string x = g.Node("Conv", new[] { "input", g.Weight(new long[] { 11, 3, 1, 1 }) });
        string channels = g.Node("Gather", new[] { g.Node("Shape", new[] { x }), g.Longs(1) }, GraphBuilder.Int("axis", 0));
        string start = g.Node("Neg", new[] { g.Node("Div", new[] { g.Node("Neg", new[] { channels }), g.Longs(3) }) });
        string end = g.Node("Mul", new[] { start, g.Longs(2) });
        x = g.Node("Slice", new[] { x, start, end, g.Longs(1) });
        AssertAgrees(g.Save(g.Node("Flatten", new[] { x }), temp.File("div.onnx")), new long[] { 3, 4, 4 });
    }

    /// <summary>
    /// ScatterND as shifted-window attention writes it: whole rows and single vectors replaced (negative indices count
    /// from the end), slices added where indices repeat (opset 16's reduction), and a Not on the mask.
    /// </summary>
    [Fact]
    public void ScatterNdAndNotAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(7, 16, 3, 4, 5);
        string Indices(long[] shape, params long[] values) => g.Node("Reshape", new[] { g.Longs(values), g.Longs(shape) });
        string data = g.Weight(new long[] { 3, 4, 5 });
        // Vectors at (0, 1) and (2, −1), then rows 1 (twice) and −3 = 0, added.
        string replaced = g.Node("ScatterND", new[] { data, Indices(new long[] { 2, 2 }, 0, 1, 2, -1), g.Weight(new long[] { 2, 5 }) });
        string added = g.Node("ScatterND", new[] { replaced, Indices(new long[] { 3, 1 }, 1, 1, -3), g.Weight(new long[] { 3, 4, 5 }) },
            GraphBuilder.Text("reduction", "add"));
        string x = g.Node("Add", new[] { "input", added });
        string negative = g.Node("Not", new[] { g.Node("Equal", new[] { g.Node("Relu", new[] { x }), x }) });
        x = g.Node("Where", new[] { negative, g.Node("Mul", new[] { x, g.Floats(0.1f) }), x });
        AssertAgrees(g.Save(g.Node("Flatten", new[] { x }), temp.File("scatter.onnx")), new long[] { 3, 4, 5 });
    }

    [Fact]
    public void ScatterNdIndexOutsideTheDataIsAClearError()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(8, 13, 3, 4, 5);
        string indices = g.Node("Reshape", new[] { g.Longs(0, 4), g.Longs(1, 2) });
        string scattered = g.Node("ScatterND", new[] { g.Weight(new long[] { 3, 4, 5 }), indices, g.Weight(new long[] { 1, 5 }) });
        string path = g.Save(g.Node("Flatten", new[] { g.Node("Add", new[] { "input", scattered }) }), temp.File("outside.onnx"));
        var error = Assert.ThrowsAny<LumenException>(() => OnnxImporter.Load(path).Dispose());
        Assert.Contains("an index is outside the data's first 2 axes [3, 4]", error.Message);
    }

    /// <summary>Negative Slice steps (reversals, as exporters write torch.flip and shifted windows): whole axes, INT_MIN ends, clamped starts.</summary>
    [Fact]
    public void NegativeSliceStepsAgreeWithOnnxRuntime()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(6, 13, 3, 7, 6);
        string x = g.Node("Slice", new[] { "input", g.Longs(-1), g.Longs(long.MinValue), g.Longs(2), g.Longs(-1) });
        x = g.Node("Slice", new[] { x, g.Longs(100, 5), g.Longs(0, -100), g.Longs(3, 1), g.Longs(-2, -3) });
        AssertAgrees(g.Save(g.Node("Flatten", new[] { x }), temp.File("flip.onnx")), new long[] { 3, 7, 6 });
    }
}
