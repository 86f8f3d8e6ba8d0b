using Lumen.Evaluation;
using Xunit;

namespace Lumen.Tests.Evaluation;

public class MetricCatalogTests
{
    [Fact]
    public void EveryQuantusCategoryHasAtLeastTwoMetricsAndNamesAreUnique()
    {
        foreach (MetricCategory category in Enum.GetValues<MetricCategory>())
            Assert.True(MetricCatalog.All.Count(metric => metric.Category == category) >= 2, $"{category} has fewer than two metrics");
        Assert.Equal(MetricCatalog.All.Count, MetricCatalog.All.Select(metric => metric.Name).Distinct().Count());
        string[] contract = { "deletion", "insertion", "pixel-flipping", "faithfulness-correlation", "infidelity", "road", "max-sensitivity", "local-lipschitz",
            "pointing-game", "relevance-mass", "relevance-rank", "top-k-intersection", "sparseness", "complexity", "randomization",
            "random-logit", "completeness", "input-invariance" };
        Assert.Equal(contract.Order(), MetricCatalog.All.Select(metric => metric.Name).Order());
        Assert.Throws<LumenException>(() => MetricCatalog.Find("sparsness"));
    }
}
