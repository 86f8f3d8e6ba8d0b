using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Perturbation;

namespace Lumen.Benchmarks;

/// <summary>
/// Wall time of the perturbation methods on resnet18, one 224x224 image (random weights), in units of one forward
/// pass of one image measured in the same run (the baseline): occlusion with a 16x16 window and stride 8
/// (27 x 27 = 729 positions), LIME with 1000 samples (SLIC, 50 superpixels), RISE with 4000 masks, all with
/// batches of 32. A single measured call each: one call takes tens of seconds to minutes.
/// </summary>
[WarmupCount(1)]
[IterationCount(1)]
[InvocationCount(1, 1)]
public class PerturbationMethodsBenchmark : Resnet18Benchmark
{
    private IAttributionMethod occlusion = null!;
    private IAttributionMethod lime = null!;
    private IAttributionMethod rise = null!;

    protected override void CreateMethods()
    {
        var options = new EvaluationOptions { BatchSize = 32 };
        occlusion = new Occlusion(Model, WindowShape.Square(16), WindowShape.Square(8), options: options);
        lime = new Lime(Model, new SlicSegmentation(50), samples: 1000, options: options with { Output = ScoreOutput.Probability });
        rise = new Rise(Model, masks: 4000, options: options with { Output = ScoreOutput.Probability });
    }

    [Benchmark(Baseline = true, Description = "forward (1 image)")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "occlusion 16/8 (729 windows)")]
    public int OcclusionWindow16Stride8() => Run(occlusion);

    [Benchmark(Description = "lime (1000 samples)")]
    public int Lime1000() => Run(lime);

    [Benchmark(Description = "rise (4000 masks)")]
    public int Rise4000() => Run(rise);
}
