using BenchmarkDotNet.Attributes;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The shared perturbation evaluator against plain batched inference of the same batch size (resnet18, 224x224,
/// random weights): "plain" runs one prepared batch of <see cref="BatchSize"/> images through the model without
/// gradients; "evaluator" builds <see cref="BatchSize"/> occluded copies of one image lazily and scores them through
/// <see cref="BatchedEvaluator"/> (one forward pass of the same size plus building and scoring). Images per second =
/// batch size / time; the ratio evaluator / plain is the evaluator's efficiency.
/// </summary>
[WarmupCount(2)]
[IterationCount(8)]
public class PerturbationEvaluatorBenchmark : Resnet18Benchmark
{
    private Tensor batch = null!;
    private BatchedEvaluator evaluator = null!;
    private PerturbationTarget target = null!;
    private Windows windows = null!;

    /// <summary>Perturbed inputs per forward pass.</summary>
    [Params(16, 32)]
    public int BatchSize { get; set; }

    protected override void CreateMethods()
    {
        batch = Input.repeat(BatchSize, 1, 1, 1);
        evaluator = new BatchedEvaluator(Model, new EvaluationOptions { BatchSize = BatchSize });
        target = evaluator.Resolve(Input, Target.Predicted);
        windows = new Windows(Input, BatchSize);
    }

    [Benchmark(Baseline = true, Description = "plain batched inference")]
    public float Plain()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Model.Forward(batch)[0, 0].item<float>();
    }

    [Benchmark(Description = "batched evaluator")]
    public float Evaluator()
    {
        using var scores = evaluator.Evaluate(target, windows);
        return scores[0, 0].item<float>();
    }

    /// <summary>Copy k has a 16x16 window at a different place set to zero.</summary>
    private sealed class Windows : IPerturbations
    {
        private readonly Tensor input;

        public Windows(Tensor input, long count)
        {
            this.input = input;
            PerImage = count;
        }

        public long PerImage { get; }

        public Tensor Build(int image, long first, long count)
        {
            Tensor copies = input[image].unsqueeze(0).repeat(count, 1, 1, 1);
            for (long k = 0; k < count; k++)
                copies[k].narrow(1, (first + k) * 13 % 208, 16).narrow(2, (first + k) * 7 % 208, 16).zero_();
            return copies;
        }
    }
}
