using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The localisation metrics against <see cref="EvaluationSettings.Region"/> (a mask or box known to matter), on each
/// image's pixel relevance: <c>pointing-game</c>, <c>relevance-mass</c>, <c>relevance-rank</c> and
/// <c>top-k-intersection</c>. Higher is better for all four; a uniform random map scores about the region's share of
/// the image on the last three.
/// </summary>
public sealed class LocalizationMetric : IExplanationMetric
{
    private readonly Func<Tensor, Tensor, EvaluationSettings, double[]> measure;

    private LocalizationMetric(string name, Func<Tensor, Tensor, EvaluationSettings, double[]> measure)
    {
        Name = name;
        this.measure = measure;
    }

    /// <summary>1 when the map's maximum lies in the region (Zhang et al. 2018).</summary>
    public static LocalizationMetric PointingGame { get; } = new("pointing-game", (maps, region, _) => Localization.PointingGame(maps, region));

    /// <summary>The share of positive relevance inside the region (Arras et al. 2022).</summary>
    public static LocalizationMetric RelevanceMass { get; } = new("relevance-mass", (maps, region, _) => Evaluation.RelevanceMass.PositiveShare(maps, region));

    /// <summary>The share of the K most relevant pixels inside the region, K its size (Arras et al. 2022).</summary>
    public static LocalizationMetric RelevanceRank { get; } = new("relevance-rank", (maps, region, _) => Localization.RankAccuracy(maps, region));

    /// <summary>The share of the k most relevant pixels inside the region (Theiner et al. 2022).</summary>
    public static LocalizationMetric TopKIntersection { get; } = new("top-k-intersection", (maps, region, settings) =>
        Localization.TopKIntersection(maps, region, settings.TopK ?? DefaultTopK(maps.shape[1] * maps.shape[2])));

    /// <summary>The default k of top-k intersection: 2 % of the pixels (Quantus's 1,000 of 224 x 224), at least 1.</summary>
    public static int DefaultTopK(long pixels) => (int)Math.Max(1, Math.Round(pixels * 1000.0 / (224 * 224)));

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Localisation;

    /// <inheritdoc />
    public string? Unavailable(ExplainableModel model, EvaluationSettings settings) =>
        settings?.Region is null ? "it needs the region known to matter (--mask FILE or --box x0,y0,x1,y1)" : null;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? missing = Unavailable(context.Model, context.Settings);
        if (missing is not null) throw LumenException.Usage($"{Name}: {missing}");
        using var relevance = context.PixelRelevance();
        return new[] { new MetricValues(Name, measure(relevance, context.Settings.Region!, context.Settings)) };
    }
}
