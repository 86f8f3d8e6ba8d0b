using Lumen.Attributions.Cam;
using Lumen.Attributions.Relevance;
using Lumen.Models;
using Lumen.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// TorchSharp model → ONNX file (Lumen's exporter) → imported module: the import agrees with ONNX Runtime on random
/// inputs (≤ 1e-4), reproduces the original logits, Grad-CAM and LRP maps, and has correct gradients.
/// </summary>
public sealed class ExportRoundTripTests
{
    public static TheoryData<string> Models => new() { "batchnorm-cnn", "residual", "gap-linear" };

    private static nn.Module<Tensor, Tensor> Create(string name, int seed) => name switch
    {
        "batchnorm-cnn" => TestModels.BatchNormCnn(seed),
        "residual" => TestModels.Residual(seed),
        _ => TestModels.GapLinearHead(seed),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ImportAgreesWithOnnxRuntimeAndTheOriginal(string name)
    {
        using var temp = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var original = new ExplainableModel(Create(name, 21), name, TestModels.GreyShape);
        string path = temp.File(name + ".onnx");
        OnnxExporter.Export(original.Module, TestModels.GreyShape, path);
        using var imported = OnnxImporter.Load(path);
        using var runtime = new OnnxRuntimeSession(path);
        Tensor input = torch.randn(new long[] { 6, 1, 28, 28 }, generator: new Generator(5));
        Tensor ours = imported.Predict(input);
        double againstRuntime = (ours - runtime.Run(input)).abs().max().item<float>();
        Assert.True(againstRuntime <= 1e-4, $"{name}: max abs difference to ONNX Runtime {againstRuntime}");
        double againstOriginal = (ours - original.Predict(input)).abs().max().item<float>();
        Assert.True(againstOriginal == 0, $"{name}: max abs difference to the original {againstOriginal}");
    }

    [Fact]
    public void RoundTripGivesIdenticalGradCamAndLrpMaps()
    {
        using var temp = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var original = new ExplainableModel(TestModels.Residual(22), "residual", TestModels.GreyShape);
        string path = temp.File("residual.onnx");
        OnnxExporter.Export(original.Module, TestModels.GreyShape, path);
        using var imported = OnnxImporter.Load(path);
        Tensor input = torch.randn(new long[] { 2, 1, 28, 28 }, generator: new Generator(6));

        using var camOriginal = new GradCam(original, "block2").Attribute(input, Target.Predicted);
        using var camImported = new GradCam(imported, "block2_relu2").Attribute(input, Target.Predicted);
        Assert.Equal(camOriginal.Targets, camImported.Targets);
        Assert.True(camOriginal.Values.abs().sum().item<float>() > 0);
        Assert.Equal(0, (camOriginal.Values - camImported.Values).abs().max().item<float>());

        using var lrpOriginal = new Lrp(original, Composites.EpsilonPlusFlat()).Explain(input, Target.Predicted);
        using var lrpImported = new Lrp(imported, Composites.EpsilonPlusFlat()).Explain(input, Target.Predicted);
        Assert.True(lrpOriginal.Attribution.Values.abs().sum().item<float>() > 0);
        Assert.Equal(0, (lrpOriginal.Attribution.Values - lrpImported.Attribution.Values).abs().max().item<float>());
    }

    [Fact]
    public void InputGradientsMatchFiniteDifferences()
    {
        using var temp = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var original = new ExplainableModel(TestModels.Residual(23), "residual", TestModels.GreyShape);
        string path = temp.File("residual.onnx");
        OnnxExporter.Export(original.Module, TestModels.GreyShape, path);
        using var imported = OnnxImporter.Load(path);
        var module = imported.Module;
        module.to(ScalarType.Float64);
        var generator = new Generator(8);
        Tensor x = torch.randn(new long[] { 1, 1, 28, 28 }, dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        Tensor direction = torch.randn(new long[] { 1, 1, 28, 28 }, dtype: ScalarType.Float64, generator: generator);
        for (int k = 0; k < 3; k++)
        {
            Tensor score = module.call(x)[0, k];
            Tensor gradient = torch.autograd.grad(new[] { score }, new[] { x })[0];
            double analytic = (gradient * direction).sum().item<double>();
            const double h = 1e-7; // small enough that a ReLU kink inside ±h is unlikely; float64 rounding stays near 1e-9
            double plus, minus;
            using (torch.no_grad())
            {
                plus = module.call(x + direction * h)[0, k].item<double>();
                minus = module.call(x - direction * h)[0, k].item<double>();
            }
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(analytic - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"class {k}: autograd {analytic} vs finite difference {numeric}");
        }
    }

    [Fact]
    public void ZooStyleOpset8FileWithInitializersAsInputsImports()
    {
        using var temp = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var original = new ExplainableModel(TestModels.BatchNormCnn(24), "cnn", TestModels.GreyShape);
        string path = temp.File("zoo.onnx");
        OnnxExporter.Export(original.Module, TestModels.GreyShape, path, new OnnxExportOptions { Opset = 8, InitializersAsInputs = true });
        var proto = OnnxFile.Read(path);
        Assert.Equal(8, proto.OpsetImport.Single().Version);
        Assert.True(proto.Graph.Input.Count > 1 + 10);
        using var imported = OnnxImporter.Load(path);
        using var runtime = new OnnxRuntimeSession(path);
        Tensor input = torch.randn(new long[] { 3, 1, 28, 28 }, generator: new Generator(9));
        Tensor ours = imported.Predict(input);
        Assert.True((ours - runtime.Run(input)).abs().max().item<float>() <= 1e-4);
        Assert.Equal(0, (ours - original.Predict(input)).abs().max().item<float>());
    }
}
