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
[WarmupCount(1)]
[IterationCount(3)]
[InvocationCount(1, 1)]
public class CamPerturbationBenchmark : Resnet18Benchmark
{
    private IAttributionMethod scoreCam = null!;
    private IAttributionMethod ablationCam = null!;

    /// <summary>Masked or ablated inputs per forward pass.</summary>
    [Params(16, 64)]
    public int BatchSize { get; set; }

    protected override void CreateMethods()
    {
        scoreCam = new ScoreCam(Model, "layer4", batchSize: BatchSize);
        ablationCam = new AblationCam(Model, "layer4", batchSize: BatchSize);
    }

    [Benchmark(Baseline = true, Description = "forward")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "forward+backward")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "scorecam (512 channels)")]
    public int ScoreCam() => Run(scoreCam);

    [Benchmark(Description = "ablationcam (512 channels)")]
    public int AblationCam() => Run(ablationCam);
}
