using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Runs the perturbed copies of a batch of images through the model in chunks of <see cref="EvaluationOptions.BatchSize"/>
/// inputs (fewer when that many would not fit in memory, <see cref="GradientMemory.InputsPerPass"/>), without gradients, and returns the target score of every copy. Copies are generated lazily, chunk by chunk
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
    public Tensor Evaluate(PerturbationTarget target, IPerturbations perturbations) =>
        Run(target, perturbations.PerImage, pieces =>
        {
            var inputs = pieces.Select(piece =>
            {
                Tensor built = perturbations.Build(piece.Image, piece.First, piece.Count);
                if (built.shape[0] != piece.Count)
                    throw new InvalidOperationException($"perturbations of image {piece.Image} gave {built.shape[0]} inputs for {piece.Count} requested");
                return built;
            }).ToList();
            return Model.Forward(inputs.Count == 1 ? inputs[0] : cat(inputs, 0));
        });

    /// <summary>
    /// The target score of every perturbed copy whose logits <paramref name="forward"/> computes itself, with the same
    /// chunks, progress, cancellation and result as <see cref="Evaluate(PerturbationTarget, IPerturbations)"/>.
    /// </summary>
    public Tensor Evaluate(PerturbationTarget target, IPerturbationForward forward) =>
        Run(target, forward.PerImage, pieces =>
        {
            var logits = pieces.Select(piece =>
            {
                Tensor part = forward.Logits(piece.Image, piece.First, piece.Count);
                if (part.dim() != 2 || part.shape[0] != piece.Count)
                    throw new InvalidOperationException($"copies of image {piece.Image} gave logits [{string.Join(", ", part.shape)}] for {piece.Count} requested");
                return part;
            }).ToList();
            return logits.Count == 1 ? logits[0] : cat(logits, 0);
        });

    /// <summary>
    /// Walks all copies in chunks of the batch size (a chunk may hold copies of several images, one piece per image),
    /// scores the logits <paramref name="logitsOf"/> gives for a chunk's pieces and reports progress after each chunk.
    /// </summary>
    private Tensor Run(PerturbationTarget target, long perImage, Func<IReadOnlyList<(int Image, long First, long Count)>, Tensor> logitsOf)
    {
        int images = target.Classes.Length;
        long total = images * perImage;
        var scores = new float[total];
        int batch = GradientMemory.InputsPerPass(Model, Options.BatchSize, withGradients: false);
        using var noGrad = no_grad();
        for (long start = 0; start < total; start += batch)
        {
            Options.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long length = Math.Min(batch, total - start);
            var pieces = new List<(int Image, long First, long Count)>();
            var imageOfRow = new List<int>();
            for (long index = start; index < start + length;)
            {
                int image = (int)(index / perImage);
                long first = index % perImage;
                long count = Math.Min(perImage - first, start + length - index);
                pieces.Add((image, first, count));
                imageOfRow.AddRange(Enumerable.Repeat(image, (int)count));
                index += count;
            }
            Tensor chunkScores = target.Score(logitsOf(pieces), imageOfRow).to_type(ScalarType.Float32).cpu();
            chunkScores.data<float>().CopyTo(scores, (int)start);
            Options.Progress?.Report(new PerturbationProgress(start + length, total));
        }
        using var flat = torch.tensor(scores, dtype: ScalarType.Float32);
        return flat.reshape(images, perImage);
    }
}
