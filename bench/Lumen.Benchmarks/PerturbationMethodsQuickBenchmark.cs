using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Perturbation;

namespace Lumen.Benchmarks;

/// <summary>
/// A scaled-down <see cref="PerturbationMethodsBenchmark"/> for a loaded machine: the same methods with fewer
/// perturbations (occlusion with a 32x32 window and stride 32: 49 positions; LIME 64 samples; RISE 64 masks; batches
/// of 32), in units of one forward pass of one image. The cost of the full-size calls is about
/// (measured ratio) x (full count / scaled count), since every method is dominated by its forward passes;
/// <see cref="PerturbationMethodsBenchmark"/> measures the full sizes directly.
/// </summary>
[WarmupCount(1)]
[IterationCount(1)]
[InvocationCount(1, 1)]
public class PerturbationMethodsQuickBenchmark : Resnet18Benchmark
{
    private IAttributionMethod occlusion = null!;
    private IAttributionMethod lime = null!;
    private IAttributionMethod rise = null!;

    protected override void CreateMethods()
    {
        var options = new EvaluationOptions { BatchSize = 32 };
        occlusion = new Occlusion(Model, WindowShape.Square(32), WindowShape.Square(32), options: options);
        lime = new Lime(Model, new SlicSegmentation(50), samples: 64, options: options with { Output = ScoreOutput.Probability });
        rise = new Rise(Model, masks: 64, options: options with { Output = ScoreOutput.Probability });
    }

    [Benchmark(Baseline = true, Description = "forward (1 image)")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "occlusion 32/32 (49 windows)")]
    public int Occlusion49() => Run(occlusion);

    [Benchmark(Description = "lime (64 samples)")]
    public int Lime64() => Run(lime);

    [Benchmark(Description = "rise (64 masks)")]
    public int Rise64() => Run(rise);
}
