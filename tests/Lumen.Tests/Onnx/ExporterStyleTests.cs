using Lumen.Attributions;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Classifiers shaped like other exporters' output (fixtures/onnx/real/make_exporter_styles.py): a Keras model through
/// tf2onnx (channels-last input with a Transpose in front, SAME padding, ReduceMean pooling, MatMul + Add, Softmax), a
/// CNTK-style opset-8 graph (separate bias Adds, BatchNormalization's spatial attribute, weights listed as inputs, a
/// Reshape(-1) head, Gemm with transB 0), ceil-mode max-pooling with a Flatten head and LogSoftmax (opset 10), and an
/// opset-7 classifier. Each imports and equals the script's PyTorch reference and ONNX Runtime.
/// </summary>
public sealed class ExporterStyleTests
{
    /// <summary>
    /// float32 through five to twelve nodes, summed in different orders by libtorch, PyTorch 1.13 and ONNX Runtime:
    /// 1e-5 of the largest output (rounding is about 1e-7 relative; an operator error such as a padding on the wrong
    /// side, floor instead of ceil or a transposed weight changes outputs by 1e-2 or more).
    /// </summary>
    private const double Tolerance = 1e-5;

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public ExporterStyleTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    public static TheoryData<string, string> Files => new()
    {
        { "keras_nhwc_op13", "exporter_styles_input_nchw.npy" },
        { "cntk_op8", "exporter_styles_input_gray.npy" },
        { "ceil_pool_op10", "exporter_styles_input16.npy" },
        { "caffe2_op7", "exporter_styles_input_nchw.npy" },
    };

    private void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{what}: {difference / scale:E2} of the largest ({scale:G4})");
        Assert.True(scale > 1e-3, $"{what}: the reference is all zeros");
        Assert.True(difference <= Tolerance * scale, $"{what}: differs by {difference} (largest {scale})");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ImportsAndEqualsTheReferenceAndOnnxRuntime(string name, string inputFile)
    {
        using var scope = torch.NewDisposeScope();
        string path = RealFixtures.Path(name + ".onnx");
        using var model = OnnxImporter.Load(path);
        using var runtime = OnnxBlackBox.Load(path);
        Tensor input = NpyFile.Read(RealFixtures.Path(inputFile));
        output.WriteLine($"{name}: input [{string.Join(", ", model.InputShape)}]");
        Tensor reference = NpyFile.Read(RealFixtures.Path(name + "_reference.npy"));
        AssertClose(reference, model.Predict(input), $"{name} vs PyTorch");
        AssertClose(reference, runtime.Predict(input), $"{name}: ONNX Runtime vs PyTorch");
        AssertClose(reference, model.Predict(input, batchSize: 2), $"{name} in batches of 2 vs PyTorch");
    }

    [Fact]
    public void AChannelsLastGraphIsExplainedChannelsFirst()
    {
        using var scope = torch.NewDisposeScope();
        string path = RealFixtures.Path("keras_nhwc_op13.onnx");
        using var model = OnnxImporter.Load(path);
        Assert.Equal(new long[] { 3, 24, 24 }, model.InputShape);
        Tensor input = NpyFile.Read(RealFixtures.Path("exporter_styles_input_nchw.npy"));
        foreach (var (method, layer) in new[] { ("saliency", (string?)null), ("gradcam", "model/conv2/Relu"), ("occlusion", null) })
        {
            var settings = method == "occlusion" ? new Dictionary<string, string> { ["window"] = "6", ["stride"] = "6" } : null;
            using var map = MethodCatalog.Find(method).Build(model, new MethodOptions(layer, settings)).Attribute(input, Target.Predicted);
            Assert.Equal(-1, map.FirstNonFiniteImage());
            Assert.Equal(method == "gradcam" ? new long[] { 3, 1, 6, 6 } : new long[] { 3, 3, 24, 24 }, map.Values.shape);
        }
        // From the command line, images go in channels-first like for every other model.
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "--model", path, "--input", RealFixtures.Path("exporter_styles_input_nchw.npy"),
            "--method", "gradcam,saliency", "--layer", "model/conv2/Relu", "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
