using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// Score-CAM and Ablation-CAM over the 512 channels of resnet18's layer4 (one 224x224 image, random weights): one
/// masked or ablated forward pass per channel, batched. Reported as a ratio to one forward pass measured in the
/// same run (the baseline); a forward+backward pass is listed for comparison with <see cref="CamFamilyBenchmark"/>.
/// Few iterations: each call takes seconds.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[WarmupCount(1)]
[IterationCount(3)]
[InvocationCount(1, 1)]
public class CamPerturbationBenchmark
{
    private ExplainableModel model = null!;
    private Tensor input = null!;
    private IAttributionMethod scoreCam = null!;
    private IAttributionMethod ablationCam = null!;

    /// <summary>Masked or ablated inputs per forward pass.</summary>
    [Params(16, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        model = ModelCatalog.Load("resnet18");
        input = torch.randn(1, 3, 224, 224);
        scoreCam = new ScoreCam(model, "layer4", batchSize: BatchSize);
        ablationCam = new AblationCam(model, "layer4", batchSize: BatchSize);
    }

    [Benchmark(Baseline = true, Description = "forward")]
    public float Forward() => CamBenchmarkPasses.Forward(model, input);

    [Benchmark(Description = "forward+backward")]
    public float ForwardBackward() => CamBenchmarkPasses.ForwardBackward(model, input);

    [Benchmark(Description = "scorecam (512 channels)")]
    public int ScoreCam() => CamBenchmarkPasses.Run(scoreCam, input);

    [Benchmark(Description = "ablationcam (512 channels)")]
    public int AblationCam() => CamBenchmarkPasses.Run(ablationCam, input);

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        model.Dispose();
    }
}
