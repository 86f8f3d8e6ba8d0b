using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// KernelSHAP on superpixels (Lundberg and Lee 2017, "A Unified Approach to Interpreting Model Predictions"):
/// coalitions of superpixels are sampled from the Shapley kernel — a size k in 1..M−1 with probability proportional
/// to (M − 1) / (k (M − k)), then k superpixels uniformly, each coalition followed by its complement (paired sampling,
/// as shap does) — so they enter the regression with equal weight; hidden superpixels show the fill (zero by
/// default, Captum's baseline). φ comes from <see cref="ShapleyRegression"/> with the efficiency constraint
/// Σ_j φ_j = f(x) − f(all hidden) enforced exactly. Every pixel gets its superpixel's φ (Captum's convention for a
/// feature mask), so summing one pixel per superpixel gives f(x) − f(baseline). Extras: <c>r2</c>,
/// <c>base_value</c> (f with every superpixel hidden), <c>output_value</c> (f(x)) and <c>superpixels</c>.
/// Output [N, 1, H, W].
/// </summary>
public sealed class KernelShap : IAttributionMethod
{
    /// <summary>The default number of sampled coalitions per image.</summary>
    public const int DefaultSamples = 1000;

    private readonly BatchedEvaluator evaluator;

    /// <summary>Creates KernelSHAP.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="segmentation">The superpixels (the players).</param>
    /// <param name="fill">What hidden superpixels show; null for zeros.</param>
    /// <param name="samples">Sampled coalitions per image (rounded up to an even number: pairs).</param>
    /// <param name="seed">The seed of the coalitions.</param>
    /// <param name="options">Batch size, output (default logit), progress, cancellation.</param>
    public KernelShap(ExplainableModel model, ISegmentation segmentation, SuperpixelFill? fill = null, int samples = DefaultSamples,
        long seed = 0, EvaluationOptions? options = null)
    {
        if (samples < 2) throw LumenException.Usage($"--param samples={samples}: expected at least 2 samples");
        Segmentation = segmentation;
        Fill = fill ?? SuperpixelFill.From(Baseline.Zero);
        Samples = (int)Math.Min(int.MaxValue - 1, samples + (long)(samples % 2));
        Seed = seed;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions());
    }

    /// <summary>The superpixels.</summary>
    public ISegmentation Segmentation { get; }

    /// <summary>What hidden superpixels show.</summary>
    public SuperpixelFill Fill { get; }

    /// <summary>Sampled coalitions per image (even).</summary>
    public int Samples { get; }

    /// <summary>The seed of the coalitions.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public string Name => "kernel-shap";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["samples"] = Samples.ToString(CultureInfo.InvariantCulture),
        ["segmentation"] = Segmentation.Description,
        ["hide"] = Fill.Description,
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The coalitions for <paramref name="players"/> superpixels: float32 [1 + samples, players]; row 0 is the empty
    /// coalition (the base value), then pairs of a kernel-sampled coalition and its complement.
    /// </summary>
    public Tensor Coalitions(int players)
    {
        var random = new Random(unchecked((int)Seed ^ (int)(Seed >> 32)));
        var rows = new float[(1 + Samples) * players];
        if (players > 1)
        {
            var sizeWeights = Enumerable.Range(1, players - 1).Select(k => 1.0 / (k * (double)(players - k))).ToArray();
            double total = sizeWeights.Sum();
            var order = Enumerable.Range(0, players).ToArray();
            for (int pair = 0; pair < Samples / 2; pair++)
            {
                double u = random.NextDouble() * total;
                int size = 1;
                while (size < players - 1 && u > sizeWeights[size - 1])
                {
                    u -= sizeWeights[size - 1];
                    size++;
                }
                for (int i = 0; i < size; i++)
                {
                    int j = i + random.Next(players - i);
                    (order[i], order[j]) = (order[j], order[i]);
                }
                int first = (1 + 2 * pair) * players, second = first + players;
                for (int j = 0; j < players; j++) rows[second + j] = 1;
                for (int i = 0; i < size; i++)
                {
                    rows[first + order[i]] = 1;
                    rows[second + order[i]] = 0;
                }
            }
        }
        else
        {
            for (int i = 1; i <= Samples; i++) rows[i * players] = i % 2;
        }
        using var flat = torch.tensor(rows, dtype: ScalarType.Float32);
        return flat.reshape(1 + Samples, players);
    }

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        Tensor segments = Segmentations.Apply(Segmentation, input);
        int[] counts = SuperpixelSurrogate.Counts(segments);
        SuperpixelSurrogate.RequireMemory(Name, 1L + Samples, counts.Max(), counts.Length);
        var designs = counts.Select(Coalitions).ToList();
        var resolved = evaluator.Resolve(input, target);
        Tensor scores = evaluator.Evaluate(resolved, new SuperpixelPerturbations(input, Fill.For(input, segments), segments, designs));
        var values = new List<double[]>();
        var extras = new Dictionary<string, List<double>> { ["r2"] = new(), ["base_value"] = new(), ["output_value"] = new(), ["superpixels"] = new() };
        for (int n = 0; n < counts.Length; n++)
        {
            int m = counts[n];
            double[] all = SuperpixelSurrogate.ToDoubles(designs[n]);
            double[] allScores = scores[n].to_type(ScalarType.Float64).data<double>().ToArray();
            double baseValue = allScores[0];
            double[] design = all[m..];
            double[] targets = allScores[1..];
            var fit = ShapleyRegression.Fit(design, m, targets, Enumerable.Repeat(1.0, targets.Length).ToArray(), baseValue, resolved.Scores[n]);
            values.Add(fit.Values);
            extras["r2"].Add(fit.R2);
            extras["base_value"].Add(baseValue);
            extras["output_value"].Add(resolved.Scores[n]);
            extras["superpixels"].Add(m);
        }
        Tensor map = SuperpixelSurrogate.Spread(values, segments);
        return new Attribution(map, Name, resolved.Classes, resolved.Logits, Settings,
            extras: extras.ToDictionary(e => e.Key, e => (IReadOnlyList<double>)e.Value));
    }
}
