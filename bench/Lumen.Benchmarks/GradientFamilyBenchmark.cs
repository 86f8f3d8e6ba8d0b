using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The gradient family on one 224x224 image of resnet18 (random weights), as a ratio to one forward and one backward
/// pass to the input measured in the same run (the baseline). Expectations (issue 3): saliency ≤ 1.2×, guided
/// backprop ≤ 1.5×, integrated gradients with 50 steps ≤ 40× (batched path points must beat 50 separate passes).
/// </summary>
public class GradientFamilyBenchmark : Resnet18Benchmark
{
    private IAttributionMethod saliency = null!;
    private IAttributionMethod guided = null!;
    private IAttributionMethod integratedOneByOne = null!;
    private IAttributionMethod integrated10 = null!;
    private IAttributionMethod integrated25 = null!;
    private IAttributionMethod integrated50 = null!;
    private IAttributionMethod smoothGrad = null!;

    protected override void CreateMethods()
    {
        saliency = new Saliency(Model, SaliencyMode.Absolute);
        guided = new ModifiedReluBackprop(Model);
        integratedOneByOne = new IntegratedGradients(Model, 50, internalBatchSize: 1);
        integrated10 = new IntegratedGradients(Model, 50, internalBatchSize: 10);
        integrated25 = new IntegratedGradients(Model, 50, internalBatchSize: 25);
        integrated50 = new IntegratedGradients(Model, 50, internalBatchSize: 50);
        smoothGrad = new NoiseTunnel(Model, saliency, noise: NoiseLevel.FractionOfRange(0.15), samples: 5);
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "saliency-abs")]
    public int Saliency() => Run(saliency);

    [Benchmark(Description = "guided-backprop")]
    public int GuidedBackprop() => Run(guided);

    [Benchmark(Description = "integrated-gradients 50 steps, 1 per pass")]
    public int IntegratedGradientsOneByOne() => Run(integratedOneByOne);

    [Benchmark(Description = "integrated-gradients 50 steps, 10 per pass")]
    public int IntegratedGradients10() => Run(integrated10);

    [Benchmark(Description = "integrated-gradients 50 steps, 25 per pass")]
    public int IntegratedGradients25() => Run(integrated25);

    [Benchmark(Description = "integrated-gradients 50 steps, 50 per pass")]
    public int IntegratedGradients50() => Run(integrated50);

    [Benchmark(Description = "smoothgrad (saliency-abs, 5 samples)")]
    public int SmoothGrad() => Run(smoothGrad);
}
