using Lumen.Models;

namespace Lumen.Evaluation;

/// <summary>A measure of how far an explanation can be trusted, computed for every image of a batch.</summary>
public interface IExplanationMetric
{
    /// <summary>The metric's command-line name, e.g. <c>deletion</c>.</summary>
    string Name { get; }

    /// <summary>The Quantus category the metric belongs to.</summary>
    MetricCategory Category { get; }

    /// <summary>The values of the metric (some metrics give several, e.g. MoRF and LeRF) for every image.</summary>
    IReadOnlyList<MetricValues> Evaluate(MetricContext context);

    /// <summary>Why the metric cannot run on <paramref name="model"/> with <paramref name="settings"/> (e.g. a
    /// localisation metric without a region), or null when it can. <c>--metric all</c> skips such metrics and says why.</summary>
    string? Unavailable(ExplainableModel model, EvaluationSettings settings) => null;
}
