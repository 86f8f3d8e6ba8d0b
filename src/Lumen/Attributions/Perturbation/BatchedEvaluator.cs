using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Runs the perturbed copies of a batch of images through the model in chunks of <see cref="EvaluationOptions.BatchSize"/>
/// inputs, without gradients, and returns the target score of every copy. Copies are generated lazily, chunk by chunk
/// (a chunk may hold copies of several images), so memory is bounded by one chunk. Progress is reported after every
/// forward pass and cancellation checked before it. Shared by every perturbation method.
/// </summary>
public sealed class BatchedEvaluator
{
    /// <summary>Creates the evaluator; a non-positive batch size is a usage error.</summary>
    public BatchedEvaluator(ExplainableModel model, EvaluationOptions options)
    {
        if (options.BatchSize <= 0)
            throw LumenException.Usage($"--param batch-size={options.BatchSize}: expected a positive number of inputs per forward pass");
        Model = model;
        Options = options;
    }

    /// <summary>The model.</summary>
    public ExplainableModel Model { get; }

    /// <summary>Batch size, output, progress and cancellation.</summary>
    public EvaluationOptions Options { get; }

    /// <summary>Resolves the target on the unmodified <paramref name="input"/> in this evaluator's output.</summary>
    public PerturbationTarget Resolve(Tensor input, Target target) => PerturbationTarget.Resolve(Model, input, target, Options.Output);

    /// <summary>
    /// The target score of every perturbed copy: float32 [N, PerImage] on the CPU, row n for image n, where N is the
    /// number of images of <paramref name="target"/>.
    /// </summary>
    public Tensor Evaluate(PerturbationTarget target, IPerturbations perturbations)
    {
        int images = target.Classes.Length;
        long perImage = perturbations.PerImage;
        long total = images * perImage;
        var scores = new float[total];
        using var noGrad = no_grad();
        for (long start = 0; start < total; start += Options.BatchSize)
        {
            Options.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long length = Math.Min(Options.BatchSize, total - start);
            var pieces = new List<Tensor>();
            var imageOfRow = new List<int>();
            for (long index = start; index < start + length;)
            {
                int image = (int)(index / perImage);
                long first = index % perImage;
                long count = Math.Min(perImage - first, start + length - index);
                Tensor piece = perturbations.Build(image, first, count);
                if (piece.shape[0] != count)
                    throw new InvalidOperationException($"perturbations of image {image} gave {piece.shape[0]} inputs for {count} requested");
                pieces.Add(piece);
                imageOfRow.AddRange(Enumerable.Repeat(image, (int)count));
                index += count;
            }
            Tensor batch = pieces.Count == 1 ? pieces[0] : cat(pieces, 0);
            Tensor chunkScores = target.Score(Model.Forward(batch), imageOfRow).to_type(ScalarType.Float32).cpu();
            chunkScores.data<float>().CopyTo(scores, (int)start);
            Options.Progress?.Report(new PerturbationProgress(start + length, total));
        }
        using var flat = torch.tensor(scores, dtype: ScalarType.Float32);
        return flat.reshape(images, perImage);
    }
}
