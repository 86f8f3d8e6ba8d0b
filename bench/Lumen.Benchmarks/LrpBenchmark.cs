using BenchmarkDotNet.Attributes;
using Lumen.Attributions.Relevance;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The cost of LRP on one 224x224 image of resnet18 (random weights) as a ratio to one forward and one backward pass
/// to the input measured in the same run (the baseline).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class LrpBenchmark
{
    private ExplainableModel model = null!;
    private Tensor input = null!;
    private Lrp epsilonPlusFlat = null!;
    private Lrp epsilonGammaBox = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        model = ModelCatalog.Load("resnet18");
        input = torch.randn(1, 3, 224, 224);
        epsilonPlusFlat = new Lrp(model, Composites.EpsilonPlusFlat());
        var (low, high) = LrpSettings.DefaultBounds(model);
        epsilonGammaBox = new Lrp(model, Composites.EpsilonGammaBox(low, high));
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

    [Benchmark(Description = "lrp epsilon-plus-flat")]
    public double EpsilonPlusFlat() => Run(epsilonPlusFlat);

    [Benchmark(Description = "lrp epsilon-gamma-box")]
    public double EpsilonGammaBox() => Run(epsilonGammaBox);

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        model.Dispose();
    }

    private double Run(Lrp lrp)
    {
        using var result = lrp.Explain(input, Target.Predicted);
        return result.Conservation.InputRelevance[0];
    }
}
