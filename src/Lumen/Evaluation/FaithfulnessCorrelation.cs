using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Faithfulness correlation (Bhatt et al. 2020; Quantus's <c>FaithfulnessCorrelation</c>): for each image,
/// <see cref="EvaluationSettings.CorrelationRuns"/> random subsets S of pixels (drawn without replacement, seeded per
/// image) are replaced (all channels), and the value is Pearson's correlation, over the subsets, between the summed
/// relevance Σ_{p∈S} R_p and the drop of the target's logit f(x) − f(x with S replaced). Higher is better (1: the
/// map's sums predict every drop linearly); a map whose sums do not vary (or an output that does not) gives 0.
/// </summary>
public sealed class FaithfulnessCorrelation : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static FaithfulnessCorrelation Instance { get; } = new();

    private FaithfulnessCorrelation()
    {
    }

    /// <inheritdoc />
    public string Name => "faithfulness-correlation";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Faithfulness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var relevance = context.PixelRelevance();
        var settings = context.Settings;
        Baseline replacement = settings.Faithfulness.Replacement ?? Baseline.Blurred();
        return new[] { new MetricValues(Name, Compute(context.Model, context.Input, context.Target, relevance, settings.CorrelationRuns,
            settings.CorrelationSubset ?? (int)context.Input.shape[3], replacement, settings.Faithfulness.BatchSize, settings.Seed)) };
    }

    /// <summary>The faithfulness correlation of each map of <paramref name="relevance"/> [N, H, W].</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Model-ready images [N, C, H, W].</param>
    /// <param name="target">The target (its logit is scored).</param>
    /// <param name="relevance">Pixel relevance [N, H, W].</param>
    /// <param name="runs">Random subsets per image, at least 2.</param>
    /// <param name="subset">Pixels per subset, 1 to H·W.</param>
    /// <param name="replacement">What the pixels of a subset become.</param>
    /// <param name="batchSize">Copies per forward pass.</param>
    /// <param name="seed">The seed of the subsets (image n draws from a generator seeded by seed and n).</param>
    public static double[] Compute(ExplainableModel model, Tensor input, Target target, Tensor relevance, int runs, int subset,
        Baseline replacement, int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentNullException.ThrowIfNull(replacement);
        long images = input.shape[0], height = input.shape[2], width = input.shape[3], pixels = height * width;
        if (runs < 2) throw LumenException.Usage($"--runs {runs}: faithfulness correlation needs at least 2 random subsets");
        if (subset < 1 || subset > pixels) throw LumenException.Usage($"--subset {subset}: expected 1 to {pixels} pixels (the image has {pixels})");
        using var scope = NewDisposeScope();
        var masks = new bool[images * runs * pixels];
        var sums = new double[images][];
        for (int image = 0; image < images; image++)
        {
            float[] map = relevance[image].reshape(-1).to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            var random = new Random(unchecked(seed * 7919 + image));
            var order = Enumerable.Range(0, (int)pixels).ToArray();
            sums[image] = new double[runs];
            for (int run = 0; run < runs; run++)
            {
                for (int k = 0; k < subset; k++)
                {
                    int pick = k + random.Next((int)pixels - k);
                    (order[k], order[pick]) = (order[pick], order[k]);
                    masks[(image * runs + run) * pixels + order[k]] = true;
                    sums[image][run] += map[order[k]];
                }
            }
        }
        Tensor maskTensor = torch.tensor(masks, device: input.device).reshape(images, runs, height, width);
        Tensor replaced = replacement.For(input);
        var evaluator = new BatchedEvaluator(model, new EvaluationOptions { BatchSize = batchSize, Output = ScoreOutput.Logit });
        var resolved = evaluator.Resolve(input, target);
        float[] scores = evaluator.Evaluate(resolved, new SubsetPerturbations(input, replaced, maskTensor)).data<float>().ToArray();
        var result = new double[images];
        for (int image = 0; image < images; image++)
        {
            var drops = Enumerable.Range(0, runs).Select(run => (double)resolved.Scores[image] - scores[image * runs + run]).ToArray();
            result[image] = MapSimilarity.Pearson(sums[image], drops);
        }
        return result;
    }
}
