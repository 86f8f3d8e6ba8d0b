using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>The faithfulness metrics as <see cref="IExplanationMetric"/>s: deletion and insertion AUC, pixel flipping AOPC.</summary>
public sealed class FaithfulnessMetric : IExplanationMetric
{
    private readonly Func<MetricContext, Tensor, IReadOnlyList<MetricValues>> evaluate;

    private FaithfulnessMetric(string name, Func<MetricContext, Tensor, IReadOnlyList<MetricValues>> evaluate)
    {
        Name = name;
        this.evaluate = evaluate;
    }

    /// <summary>Deletion AUC (lower is better).</summary>
    public static FaithfulnessMetric Deletion { get; } = new("deletion", (c, r) => One("deletion", Faithfulness.Deletion(c.Model, c.Input, c.Target, r, c.Settings.Faithfulness)));

    /// <summary>Insertion AUC (higher is better).</summary>
    public static FaithfulnessMetric Insertion { get; } = new("insertion", (c, r) => One("insertion", Faithfulness.Insertion(c.Model, c.Input, c.Target, r, c.Settings.Faithfulness)));

    /// <summary>Pixel flipping: AOPC most relevant first (<c>pixel-flipping-morf</c>, higher is better) and least relevant
    /// first (<c>pixel-flipping-lerf</c>, lower is better).</summary>
    public static FaithfulnessMetric PixelFlipping { get; } = new("pixel-flipping", (c, r) => new[]
    {
        One("pixel-flipping-morf", Faithfulness.PixelFlipping(c.Model, c.Input, c.Target, r, c.Settings.Faithfulness, leastRelevantFirst: false))[0],
        One("pixel-flipping-lerf", Faithfulness.PixelFlipping(c.Model, c.Input, c.Target, r, c.Settings.Faithfulness, leastRelevantFirst: true))[0],
    });

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Faithfulness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var relevance = context.PixelRelevance();
        return evaluate(context, relevance);
    }

    private static MetricValues[] One(string metric, IReadOnlyList<FaithfulnessCurve> curves) =>
        new[] { new MetricValues(metric, curves.Select(curve => curve.Value).ToList()) };
}
