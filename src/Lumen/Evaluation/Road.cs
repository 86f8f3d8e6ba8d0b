using System.Globalization;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// ROAD, RemOve And Debias (Rong et al. 2022; Quantus's <c>ROAD</c>): for each percentage p of
/// <see cref="EvaluationSettings.RoadPercentages"/>, the p % most relevant pixels (MoRF) or least relevant pixels
/// (LeRF) are removed and filled in by <see cref="NoisyLinearImputation"/> (noise
/// <see cref="EvaluationSettings.RoadNoise"/>, seeded per image), which leaves no sharp edge for the model to read the
/// removed shape from. Values per image: <c>road-morf:P</c> and <c>road-lerf:P</c>, the target's score (the
/// <c>--score</c> output, default probability) with P % removed, and <c>road-morf</c> / <c>road-lerf</c>, their mean
/// over the percentages. MoRF: lower is better; LeRF: higher is better.
/// </summary>
public sealed class Road : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static Road Instance { get; } = new();

    private Road()
    {
    }

    /// <inheritdoc />
    public string Name => "road";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Faithfulness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var relevance = context.PixelRelevance();
        var settings = context.Settings;
        var curves = Compute(context.Model, context.Input, context.Target, relevance, settings.RoadPercentages, settings.RoadNoise,
            settings.Faithfulness.Output, settings.Faithfulness.BatchSize, settings.Seed);
        var rows = new List<MetricValues>
        {
            new("road-morf", curves.Select(c => c.MostRelevantFirst.Average()).ToList()),
            new("road-lerf", curves.Select(c => c.LeastRelevantFirst.Average()).ToList()),
        };
        for (int k = 0; k < settings.RoadPercentages.Count; k++)
        {
            string percent = settings.RoadPercentages[k].ToString(CultureInfo.InvariantCulture);
            rows.Add(new MetricValues($"road-morf:{percent}", curves.Select(c => c.MostRelevantFirst[k]).ToList()));
            rows.Add(new MetricValues($"road-lerf:{percent}", curves.Select(c => c.LeastRelevantFirst[k]).ToList()));
        }
        return rows;
    }

    /// <summary>The MoRF and LeRF curves (the target's score at each percentage) of each map of <paramref name="relevance"/> [N, H, W].</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Model-ready images [N, C, H, W].</param>
    /// <param name="target">The target.</param>
    /// <param name="relevance">Pixel relevance [N, H, W].</param>
    /// <param name="percentages">Percentages of pixels to remove, each 1 to 99.</param>
    /// <param name="noise">Standard deviation of the imputation noise (0 for none).</param>
    /// <param name="output">The scored output.</param>
    /// <param name="batchSize">Copies per forward pass.</param>
    /// <param name="seed">The seed of the noise (image n draws from a generator seeded by seed and n).</param>
    public static IReadOnlyList<(double[] MostRelevantFirst, double[] LeastRelevantFirst)> Compute(ExplainableModel model, Tensor input, Target target,
        Tensor relevance, IReadOnlyList<int> percentages, double noise, ScoreOutput output, int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentNullException.ThrowIfNull(percentages);
        if (percentages.Count == 0 || percentages.Any(p => p < 1 || p > 99))
            throw LumenException.Usage($"--percentages {string.Join(",", percentages)}: expected whole percentages from 1 to 99");
        using var scope = NewDisposeScope();
        long images = input.shape[0], height = input.shape[2], width = input.shape[3], pixels = height * width;
        int count = percentages.Count;
        var (descending, _) = PixelRelevance.Ranks(relevance, 1, ascending: false);
        var (ascending, _) = PixelRelevance.Ranks(relevance, 1, ascending: true);
        Tensor thresholds = torch.tensor(percentages.Select(p => (long)Math.Round(p * pixels / 100.0)).ToArray(), device: input.device).unsqueeze(1);
        var copies = new List<Tensor>();
        for (int image = 0; image < images; image++)
        {
            Tensor removed = torch.cat(new[]
            {
                descending[image].unsqueeze(0).lt(thresholds),
                ascending[image].unsqueeze(0).lt(thresholds),
            }, 0).reshape(2 * count, height, width);
            Tensor repeated = input[image].unsqueeze(0).expand(2 * count, -1, -1, -1);
            copies.Add(NoisyLinearImputation.Impute(repeated, removed, noise, new Random(unchecked(seed * 7919 + image))));
        }
        var evaluator = new BatchedEvaluator(model, new EvaluationOptions { BatchSize = batchSize, Output = output });
        var resolved = evaluator.Resolve(input, target);
        float[] scores = evaluator.Evaluate(resolved, new StoredPerturbations(torch.stack(copies, 0))).data<float>().ToArray();
        var curves = new List<(double[], double[])>();
        for (int image = 0; image < images; image++)
        {
            int start = image * 2 * count;
            curves.Add((scores.Skip(start).Take(count).Select(s => (double)s).ToArray(),
                scores.Skip(start + count).Take(count).Select(s => (double)s).ToArray()));
        }
        return curves;
    }
}
