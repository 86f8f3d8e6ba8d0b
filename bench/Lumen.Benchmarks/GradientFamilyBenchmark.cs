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
[MemoryDiagnoser(displayGenColumns: false)]
public class GradientFamilyBenchmark
{
    private ExplainableModel model = null!;
    private Tensor input = null!;
    private IAttributionMethod saliency = null!;
    private IAttributionMethod guided = null!;
    private IAttributionMethod integratedOneByOne = null!;
    private IAttributionMethod integrated10 = null!;
    private IAttributionMethod integrated25 = null!;
    private IAttributionMethod integrated50 = null!;
    private IAttributionMethod smoothGrad = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        model = ModelCatalog.Load("resnet18");
        input = torch.randn(1, 3, 224, 224);
        saliency = new Saliency(model, SaliencyMode.Absolute);
        guided = new ModifiedReluBackprop(model);
        integratedOneByOne = new IntegratedGradients(model, 50, internalBatchSize: 1);
        integrated10 = new IntegratedGradients(model, 50, internalBatchSize: 10);
        integrated25 = new IntegratedGradients(model, 50, internalBatchSize: 25);
        integrated50 = new IntegratedGradients(model, 50, internalBatchSize: 50);
        smoothGrad = new NoiseTunnel(model, saliency, noise: NoiseLevel.FractionOfRange(0.15), samples: 5);
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
