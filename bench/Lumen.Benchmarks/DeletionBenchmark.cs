using BenchmarkDotNet.Attributes;
using Lumen.Evaluation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The cost of one deletion AUC (Petsiuk et al.) in forward-pass units, measured in the same run: resnet18 (random
/// weights), one 224x224 image, a fixed random relevance map, <see cref="Step"/> pixels deleted per step (224 · 8:
/// 28 steps, 29 scored copies) into a blurred copy, through the shared batched evaluator in batches of
/// <see cref="BatchSize"/>. The ratio deletion / forward pass is the cost per AUC; divided by the 29 copies it is the
/// cost of one copy relative to a single-image forward pass (below 1 when batching pays).
/// </summary>
[WarmupCount(1)]
[IterationCount(5)]
public class DeletionBenchmark : Resnet18Benchmark
{
    private Tensor relevance = null!;
    private FaithfulnessOptions options = null!;

    /// <summary>Pixels deleted per step.</summary>
    [Params(1792)]
    public int Step { get; set; }

    /// <summary>Copies per forward pass.</summary>
    [Params(32)]
    public int BatchSize { get; set; }

    protected override void CreateMethods()
    {
        relevance = torch.rand(new long[] { 1, 224, 224 }, generator: new Generator(1));
        options = new FaithfulnessOptions { Step = Step, BatchSize = BatchSize };
    }

    [Benchmark(Baseline = true, Description = "forward pass (1 image)")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "deletion AUC (29 copies)")]
    public double Deletion() => Faithfulness.Deletion(Model, Input, Target.Predicted, relevance, options)[0].Value;
}
