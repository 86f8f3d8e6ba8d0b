using BenchmarkDotNet.Attributes;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// Inference speed of an ONNX model imported into TorchSharp against ONNX Runtime on the same file, and against the
/// TorchSharp model it was exported from (the baseline): a small ResNet (stem, three residual blocks with
/// BatchNorm, GAP, linear; random weights, seed 0) on a batch of 16 RGB 64x64 images, no gradients.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class OnnxInferenceBenchmark
{
    private string folder = "";
    private ExplainableModel original = null!;
    private ExplainableModel imported = null!;
    private OnnxRuntimeSession runtime = null!;
    private Tensor input = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(3, 32, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(32)),
            ("relu", nn.ReLU()),
            ("block1", new BasicBlock(32, 32)),
            ("block2", new BasicBlock(32, 64, 2, nn.Sequential(("0", nn.Conv2d(32, 64, 1, stride: 2, bias: false)), ("1", nn.BatchNorm2d(64))))),
            ("block3", new BasicBlock(64, 128, 2, nn.Sequential(("0", nn.Conv2d(64, 128, 1, stride: 2, bias: false)), ("1", nn.BatchNorm2d(128))))),
            ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(128, 10)));
        long[] shape = { 3, 64, 64 };
        original = new ExplainableModel(module, "small-resnet", shape);
        folder = Directory.CreateTempSubdirectory("lumen-onnx-bench-").FullName;
        string path = Path.Combine(folder, "small-resnet.onnx");
        OnnxExporter.Export(module, shape, path);
        imported = OnnxImporter.Load(path);
        runtime = new OnnxRuntimeSession(path);
        input = torch.randn(16, 3, 64, 64);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        runtime.Dispose();
        imported.Dispose();
        original.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "TorchSharp model (exported from)")]
    public float Original() => Forward(original);

    [Benchmark(Description = "imported ONNX module (TorchSharp)")]
    public float Imported() => Forward(imported);

    [Benchmark(Description = "ONNX Runtime session")]
    public float OnnxRuntime()
    {
        using var scope = NewDisposeScope();
        return runtime.Run(input)[0, 0].item<float>();
    }

    private float Forward(ExplainableModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.Forward(input)[0, 0].item<float>();
    }
}
