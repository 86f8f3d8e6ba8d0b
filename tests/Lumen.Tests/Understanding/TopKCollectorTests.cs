using Lumen.Understanding;
using Xunit;

namespace Lumen.Tests.Understanding;

/// <summary>The bounded heaps give exactly what a stable sort of all scores gives, ties included.</summary>
public class TopKCollectorTests
{
    [Theory]
    [InlineData(1000, 7, 5, 3)]
    [InlineData(50, 3, 10, 50)]   // scores from few distinct values: many ties
    [InlineData(6, 2, 10, 100)]   // K larger than the stream
    public void EqualsAStableSortOfAllScores(int count, int units, int k, int distinct)
    {
        var random = new Random(count + units + k);
        var scores = Enumerable.Range(0, count * units).Select(_ => (float)(random.Next(distinct) - distinct / 2)).ToArray();
        var collector = new TopKCollector(units, k);
        for (int start = 0; start < count; start += 37)
        {
            int n = Math.Min(37, count - start);
            collector.Add(start, scores.AsSpan(start * units, n * units), n);
        }

        for (int u = 0; u < units; u++)
        {
            var all = Enumerable.Range(0, count).Select(i => new RankedExample(i, scores[i * units + u])).ToList();
            var top = all.OrderByDescending(e => e.Score).ThenBy(e => e.Index).Take(k).ToList();
            var bottom = all.OrderBy(e => e.Score).ThenBy(e => e.Index).Take(k).ToList();
            Assert.Equal(top, collector.Top(u));
            Assert.Equal(bottom, collector.Bottom(u));
        }
        Assert.Equal(count, collector.Seen);
    }

    [Fact]
    public void HoldsOnlyTheKeptExamples()
    {
        var collector = new TopKCollector(1, 2);
        collector.Add(0, new float[] { 5, 1, 3, 4, 2 }, 5);
        // top: 5 (#0), 4 (#3); bottom: 1 (#1), 2 (#4); #2 (score 3) is in neither.
        Assert.Equal(new[] { true, true, false, true, true }, Enumerable.Range(0, 5).Select(collector.Holds));
    }

    [Fact]
    public void NaNScoreIsAModelError()
    {
        var collector = new TopKCollector(2, 3);
        var error = Assert.Throws<Lumen.LumenException>(() => collector.Add(10, new[] { 1f, float.NaN }, 1));
        Assert.Equal(Lumen.ErrorKind.Model, error.Kind);
        Assert.Contains("example 10", error.Message);
    }
}
