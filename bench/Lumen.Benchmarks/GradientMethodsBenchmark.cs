using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The cost of the first methods on one 224x224 image of resnet18 (random weights), as a ratio to one forward and one
/// backward pass to the input measured in the same run (the baseline).
/// </summary>
public class GradientMethodsBenchmark : Resnet18Benchmark
{
    private IAttributionMethod saliency = null!;
    private IAttributionMethod gradientTimesInput = null!;
    private IAttributionMethod gradCam = null!;

    protected override void CreateMethods()
    {
        saliency = new Saliency(Model, SaliencyMode.Absolute);
        gradientTimesInput = new GradientTimesInput(Model);
        gradCam = new GradCam(Model, "layer4");
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "forward")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "saliency-abs")]
    public int Saliency() => Run(saliency);

    [Benchmark(Description = "gradient-x-input")]
    public int GradientTimesInput() => Run(gradientTimesInput);

    [Benchmark(Description = "gradcam (layer4)")]
    public int GradCam() => Run(gradCam);
}
