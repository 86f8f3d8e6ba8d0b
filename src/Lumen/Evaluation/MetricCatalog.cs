namespace Lumen.Evaluation;

/// <summary>Every evaluation metric, by command-line name.</summary>
public static class MetricCatalog
{
    /// <summary>All metrics.</summary>
    public static IReadOnlyList<IExplanationMetric> All { get; } = new IExplanationMetric[]
    {
        FaithfulnessMetric.Deletion,
        FaithfulnessMetric.Insertion,
        FaithfulnessMetric.PixelFlipping,
        FaithfulnessCorrelation.Instance,
        Infidelity.Instance,
        Road.Instance,
        SensitivityMetric.Instance,
        LocalLipschitz.Instance,
        LocalizationMetric.PointingGame,
        LocalizationMetric.RelevanceMass,
        LocalizationMetric.RelevanceRank,
        LocalizationMetric.TopKIntersection,
        ComplexityMetric.Sparseness,
        ComplexityMetric.Complexity,
        RandomizationMetric.Instance,
        RandomLogit.Instance,
        Completeness.Instance,
        InputInvariance.Instance,
    };

    /// <summary>The name that selects every metric.</summary>
    public const string AllName = "all";

    /// <summary>The metric called <paramref name="name"/>; an unknown name is a usage error listing the known ones.</summary>
    public static IExplanationMetric Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = All.FirstOrDefault(metric => metric.Name == name.Trim().ToLowerInvariant());
        if (found is not null) return found;
        string closest = Models.NameSuggestions.Closest(name, All.Select(metric => metric.Name), 1)[0];
        throw LumenException.Usage($"unknown metric '{name}' (did you mean '{closest}'?); expected '{AllName}' or one of {string.Join(", ", All.Select(metric => metric.Name))}");
    }
}
