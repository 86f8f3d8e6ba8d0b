using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// RISE, Randomized Input Sampling for Explanation (Petsiuk, Das and Saenko 2018): the image is multiplied by
/// <see cref="Masks"/> random smooth masks M_i (<see cref="RiseMasks"/>; hidden pixels take the baseline, zero by
/// default), each masked copy is scored, and the saliency is S = Σ_i f(x ⊙ M_i + b ⊙ (1 − M_i)) M_i / (N p), the
/// expected score given that the pixel was kept. All images of a batch share the same masks. Output [N, 1, H, W].
/// </summary>
public sealed class Rise : IAttributionMethod
{
    /// <summary>The default number of masks (Xplique's; the paper used 4000 for ResNet50, TorchRay 8000).</summary>
    public const int DefaultMasks = 4000;

    /// <summary>The default number of grid cells per side.</summary>
    public const int DefaultCells = 7;

    private readonly BatchedEvaluator evaluator;

    /// <summary>Creates RISE.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="masks">The number of masks N.</param>
    /// <param name="cells">Grid cells per side s.</param>
    /// <param name="keepProbability">The probability p that a cell is kept.</param>
    /// <param name="seed">The seed of the masks.</param>
    /// <param name="replacement">What hidden pixels become; null for zeros (the paper).</param>
    /// <param name="options">Batch size, output (default probability, as in the paper), progress, cancellation.</param>
    public Rise(ExplainableModel model, int masks = DefaultMasks, int cells = DefaultCells, double keepProbability = 0.5, long seed = 0,
        Baseline? replacement = null, EvaluationOptions? options = null)
    {
        if (masks <= 0) throw LumenException.Usage($"--param masks={masks}: expected a positive number of masks");
        Masks = masks;
        Cells = cells;
        KeepProbability = keepProbability;
        Seed = seed;
        Replacement = replacement ?? Baseline.Zero;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions { Output = ScoreOutput.Probability });
    }

    /// <summary>The number of masks.</summary>
    public int Masks { get; }

    /// <summary>Grid cells per side.</summary>
    public int Cells { get; }

    /// <summary>The probability that a cell is kept.</summary>
    public double KeepProbability { get; }

    /// <summary>The seed of the masks.</summary>
    public long Seed { get; }

    /// <summary>What hidden pixels become.</summary>
    public Baseline Replacement { get; }

    /// <inheritdoc />
    public string Name => "rise";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["masks"] = Masks.ToString(CultureInfo.InvariantCulture),
        ["cells"] = Cells.ToString(CultureInfo.InvariantCulture),
        ["keep-probability"] = KeepProbability.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["baseline"] = Replacement.Description,
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The masks this instance draws for images of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public RiseMasks DrawMasks(int height, int width) => new(Masks, height, width, Cells, KeepProbability, Seed);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        int height = (int)input.shape[2], width = (int)input.shape[3];
        long images = input.shape[0];
        // Held at once: the low-resolution grids (drawn as floats, then thresholded), two shifts per mask, and one
        // score per mask and image.
        MemoryBudget.Require((double)Masks * (2.0 * Cells * Cells * sizeof(float) + 2 * sizeof(long) + images * sizeof(float)),
            $"RISE with {Masks} masks of {Cells}x{Cells} cells on {images} images", "use fewer masks");
        using var masks = DrawMasks(height, width);
        var resolved = evaluator.Resolve(input, target);
        Tensor replacement = Replacement.For(input);
        Tensor scores = evaluator.Evaluate(resolved, new Masked(input, replacement, masks)).to(input.device);
        Tensor saliency = zeros(new long[] { images, height * width }, device: input.device);
        int chunk = evaluator.Options.BatchSize;
        for (long first = 0; first < Masks; first += chunk)
        {
            using var inner = NewDisposeScope();
            long count = Math.Min(chunk, Masks - first);
            Tensor block = masks.Build(first, count).to(input.device).reshape(count, height * width);
            saliency.add_(scores.narrow(1, first, count).matmul(block));
        }
        Tensor values = (saliency / (Masks * KeepProbability)).reshape(images, 1, height, width);
        return new Attribution(values, Name, resolved.Classes, resolved.Logits, Settings);
    }

    private sealed class Masked : IPerturbations
    {
        private readonly Tensor input;
        private readonly Tensor replacement;
        private readonly RiseMasks masks;

        public Masked(Tensor input, Tensor replacement, RiseMasks masks)
        {
            this.input = input;
            this.replacement = replacement;
            this.masks = masks;
        }

        public long PerImage => masks.Count;

        public Tensor Build(int image, long first, long count)
        {
            Tensor mask = masks.Build(first, count).to(input.device);
            return input[image].unsqueeze(0) * mask + replacement[image].unsqueeze(0) * (1 - mask);
        }
    }
}
