using Google.Protobuf;
using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Onnx.Graph;
using Lumen.Onnx.Proto;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Graphs that take a fixed batch (fixtures/onnx/real/mnist_tf2onnx_op8.onnx: input [1, 1, 28, 28], a Reshape to the
/// constant [1, 256]) explain any number of images, on the imported module and on ONNX Runtime, with the results of
/// running each image alone.
/// </summary>
public sealed class FixedBatchTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public FixedBatchTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    /// <summary>float32 through two convolutions and a matrix product, run in a different order: 1e-5 relative to the map's largest value.</summary>
    private const double Relative = 1e-5;

    private static Tensor FourImages() => torch.rand(new long[] { 4, 1, 28, 28 }, generator: new Generator(5));

    private void AssertSame(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{what}: {difference / scale:E2} of the largest value");
        Assert.True(scale > 1e-6, $"{what}: the reference is all zeros");
        Assert.True(difference <= Relative * scale, $"{what}: differs by {difference} (largest {scale})");
    }

    public static TheoryData<string> Methods => new() { "saliency", "guided-backprop", "integrated-gradients", "occlusion" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void FourImagesGiveWhatEachImageGivesAlone(string method)
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.FixedBatchMnist);
        Assert.Equal(1, ((OnnxGraphModule)model.Module).BatchSize);
        var settings = method == "occlusion" ? new Dictionary<string, string> { ["window"] = "7", ["batch-size"] = "5" } : new Dictionary<string, string>();
        IAttributionMethod explainer = MethodCatalog.Find(method).Build(model, new MethodOptions(parameters: settings));
        Tensor input = FourImages();
        using var together = explainer.Attribute(input, Target.Class(3));
        for (int n = 0; n < 4; n++)
        {
            using var alone = explainer.Attribute(input[n..(n + 1)], Target.Class(3));
            AssertSame(alone.Values, together.Values[n..(n + 1)], $"{method}, image {n}");
        }
    }

    [Fact]
    public void ImportedLogitsMatchOnnxRuntimeImageByImageAndBatched()
    {
        using var scope = torch.NewDisposeScope();
        using var imported = OnnxImporter.Load(RealFixtures.FixedBatchMnist);
        using var runtime = OnnxBlackBox.Load(RealFixtures.FixedBatchMnist);
        Tensor input = FourImages();
        Tensor ours = imported.Predict(input);
        Tensor theirs = runtime.Predict(input);
        Assert.Equal(new long[] { 4, 10 }, ours.shape);
        AssertSame(theirs, ours, "logits");
        // A batch size that does not divide the images, as perturbation methods use.
        AssertSame(theirs, imported.Predict(input, batchSize: 3), "logits in batches of 3");
        AssertSame(theirs, runtime.Predict(input, batchSize: 3), "ONNX Runtime logits in batches of 3");
    }

    [Fact]
    public void GradCamSeesTheWholeBatchAtOnce()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.FixedBatchMnist);
        var gradcam = MethodCatalog.Find("gradcam").Build(model, new MethodOptions("ReLU114"));
        Tensor input = FourImages();
        using var together = gradcam.Attribute(input, Target.Class(1));
        for (int n = 0; n < 4; n++)
        {
            using var alone = gradcam.Attribute(input[n..(n + 1)], Target.Class(1));
            AssertSame(alone.Values, together.Values[n..(n + 1)], $"gradcam, image {n}");
        }
    }

    [Fact]
    public void TheSeparateBiasAddIsFoldedIntoTheConvolutionSoLrpRuns()
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(RealFixtures.FixedBatchMnist);
        var conv = Assert.IsType<TorchSharp.Modules.Conv2d>(model.ResolveLayer("Plus30"));
        Assert.Same(conv, model.ResolveLayer("Convolution28"));
        Assert.NotNull(conv.bias);
        Assert.DoesNotContain("Plus30", model.LayerNames);
        Assert.Equal("Convolution28 + Plus30 -> Plus30_Output_0", model.DescribeLayers().Single(l => l.Name == "Convolution28").SourceName);
        Tensor input = FourImages();
        using var lrp = MethodCatalog.Find("lrp").Build(model, new MethodOptions()).Attribute(input, Target.Class(3));
        Assert.Equal(-1, lrp.FirstNonFiniteImage());
        Assert.True(lrp.Values.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ADeclaredBatchOfTwoRunsThreeImagesWithAPaddedChunk()
    {
        using var folder = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RealFixtures.Features));
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 2 };
        string path = folder.File("two.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(path);
        using var runtime = OnnxBlackBox.Load(path);
        Assert.Equal(2, ((OnnxGraphModule)model.Module).BatchSize);
        Tensor input = torch.rand(new long[] { 3, 3, 16, 16 }, generator: new Generator(4));
        Tensor expected = runtime.Predict(input);
        AssertSame(expected, model.Predict(input), "three images in chunks of two");
        AssertSame(expected[..1], model.Predict(input[..1]), "one image padded to two");
        using var together = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Class(4));
        using var last = new Saliency(model, SaliencyMode.Signed).Attribute(input[2..], Target.Class(4));
        AssertSame(last.Values, together.Values[2..], "saliency of the image in the padded chunk");
    }

    [Fact]
    public void AnOpenBatchTiedByShapeConstantsIsFoundAtImport()
    {
        using var folder = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RealFixtures.FixedBatchMnist));
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        string path = folder.File("open.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(path);
        using var runtime = OnnxBlackBox.Load(path);
        Assert.Equal(1, ((OnnxGraphModule)model.Module).BatchSize);
        Tensor input = FourImages();
        AssertSame(runtime.Predict(input), model.Predict(input), "logits");
    }

    [Fact]
    public void ExplainFromTheCommandLineRunsGradientMethodsOnFourImages()
    {
        using var folder = new TempDirectory();
        string input = folder.File("four.npy");
        using (var images = FourImages()) NpyFile.Write(input, images);
        // The command of the report: four images, two gradient methods, on a graph that takes one image at a time.
        var result = CliRunner.Run("explain", "--model", RealFixtures.FixedBatchMnist, "--input", input,
            "--method", "saliency,guided-backprop", "--out", folder.File("out1"));
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string batch in new[] { "1", "3", "64" })
        {
            result = CliRunner.Run("explain", "--model", RealFixtures.FixedBatchMnist, "--input", input,
                "--method", "occlusion", "--param", "window=7", "--param", $"batch-size={batch}", "--out", folder.File($"out{batch}"));
            Assert.True(result.ExitCode == 0, result.Error);
        }
        using var map = NpyFile.Read(Path.Combine(folder.File("out1"), "four.saliency.npy"));
        Assert.Equal(4, map.shape[0]);
    }

    [Fact]
    public void AnImageSizeTheGraphCannotTakeIsAModelErrorNamingTheDeclaredInput()
    {
        using var folder = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RealFixtures.FixedBatchMnist));
        // Declared sizes left open: a 32x32 image passes the input check, and the Reshape to [1, 256] then cannot take it.
        foreach (int axis in new[] { 2, 3 }) proto.Graph.Input[0].Type.TensorType.Shape.Dim[axis] = new TensorShapeProto.Types.Dimension { DimParam = "s" };
        string path = folder.File("open.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        using var model = OnnxImporter.Load(path, new OnnxImportOptions { InputShape = new long[] { 1, 28, 28 } });
        using var wrong = new ExplainableModel(model.Module, "open.onnx", new long[] { 1, 32, 32 }, ownsModule: false);
        using var input = torch.rand(2, 1, 32, 32);
        var error = Assert.Throws<LumenException>(() => wrong.Predict(input));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("declared [1, 1, s, s]", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
