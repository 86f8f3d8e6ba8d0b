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
[MemoryDiagnoser(displayGenColumns: false)]
public class GradientMethodsBenchmark
{
    private ExplainableModel model = null!;
    private Tensor input = null!;
    private IAttributionMethod saliency = null!;
    private IAttributionMethod gradientTimesInput = null!;
    private IAttributionMethod gradCam = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        model = ModelCatalog.Load("resnet18");
        input = torch.randn(1, 3, 224, 224);
        saliency = new Saliency(model, SaliencyMode.Absolute);
        gradientTimesInput = new GradientTimesInput(model);
        gradCam = new GradCam(model, "layer4");
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward()
    {
        using var scope = NewDisposeScope();
        using var grad = torch.enable_grad();
        var leaf = input.detach().clone().requires_grad_(true);
        var logits = model.Forward(leaf);
        var score = logits.max(1).values.sum();
        var gradient = torch.autograd.grad(new[] { score }, new[] { leaf })[0];
        return gradient[0, 0, 0, 0].item<float>();
    }

    [Benchmark(Description = "forward")]
    public float Forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.Forward(input)[0, 0].item<float>();
    }

    [Benchmark(Description = "saliency-abs")]
    public int Saliency() => Run(saliency);

    [Benchmark(Description = "gradient-x-input")]
    public int GradientTimesInput() => Run(gradientTimesInput);

    [Benchmark(Description = "gradcam (layer4)")]
    public int GradCam() => Run(gradCam);

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        model.Dispose();
    }

    private int Run(IAttributionMethod method)
    {
        using var attribution = method.Attribute(input, Target.Predicted);
        return attribution.Count;
    }
}
