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
        RandomizationMetric.Instance,
        SensitivityMetric.Instance,
    };

    /// <summary>The metric called <paramref name="name"/>; an unknown name is a usage error listing the known ones.</summary>
    public static IExplanationMetric Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = All.FirstOrDefault(metric => metric.Name == name.Trim().ToLowerInvariant());
        return found ?? throw LumenException.Usage($"unknown metric '{name}'; expected one of {string.Join(", ", All.Select(metric => metric.Name))}");
    }
}
