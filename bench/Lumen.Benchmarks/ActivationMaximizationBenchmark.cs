using BenchmarkDotNet.Attributes;
using Lumen.Understanding;

namespace Lumen.Benchmarks;

/// <summary>
/// Activation maximization of 16 channels of resnet18's layer3 (random weights, 224x224, Fourier parameterization,
/// transforms on), one step each: all 16 channels in one batch against 16 single-channel runs. Channel-steps per
/// second = 16 / time; the ratio to one forward+backward pass of one image is in the same run.
/// </summary>
public class ActivationMaximizationBenchmark : Resnet18Benchmark
{
    private const int Steps = 1;
    private List<Unit> units = null!;
    private ActivationMaximization batched = null!;
    private ActivationMaximization single = null!;

    protected override void CreateMethods()
    {
        units = Enumerable.Range(0, 16).Select(c => Unit.ChannelMean("layer3", c)).ToList();
        batched = new ActivationMaximization(Model, new ActivationMaximizationOptions { Steps = Steps, BatchSize = 16 });
        single = new ActivationMaximization(Model, new ActivationMaximizationOptions { Steps = Steps, BatchSize = 1 });
    }

    [Benchmark(Baseline = true, Description = "forward+backward, 1 image")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "16 channels x 1 step, one batch of 16")]
    public float Batched()
    {
        using var result = batched.Run(units);
        return result.FinalValues[0];
    }

    [Benchmark(Description = "16 channels x 1 step, 16 batches of 1")]
    public float OneByOne()
    {
        using var result = single.Run(units);
        return result.FinalValues[0];
    }
}
