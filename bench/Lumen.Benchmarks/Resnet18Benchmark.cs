using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The shared set-up of the method benchmarks: resnet18 (random weights, seed 0) and one 224x224 image, the two
/// baseline passes every ratio is measured against, and one attribution call of the predicted class.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public abstract class Resnet18Benchmark
{
    /// <summary>The model explained.</summary>
    protected ExplainableModel Model { get; private set; } = null!;

    /// <summary>The image, [1, 3, 224, 224].</summary>
    protected Tensor Input { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        Model = ModelCatalog.Load("resnet18");
        Input = torch.randn(1, 3, 224, 224);
        CreateMethods();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Input.Dispose();
        Model.Dispose();
    }

    /// <summary>Builds the methods the benchmark measures, once <see cref="Model"/> exists.</summary>
    protected abstract void CreateMethods();

    /// <summary>One forward pass and one backward pass to the input: the unit of the ratios.</summary>
    protected float ForwardBackwardPass()
    {
        using var scope = NewDisposeScope();
        using var grad = torch.enable_grad();
        var leaf = Input.detach().clone().requires_grad_(true);
        var logits = Model.Forward(leaf);
        var score = logits.max(1).values.sum();
        var gradient = torch.autograd.grad(new[] { score }, new[] { leaf })[0];
        return gradient[0, 0, 0, 0].item<float>();
    }

    /// <summary>One forward pass without gradients.</summary>
    protected float ForwardPass()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        return Model.Forward(Input)[0, 0].item<float>();
    }

    /// <summary>One attribution of the predicted class.</summary>
    protected int Run(IAttributionMethod method)
    {
        using var attribution = method.Attribute(Input, Target.Predicted);
        return attribution.Count;
    }
}
