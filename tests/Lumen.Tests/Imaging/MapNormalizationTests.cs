using Lumen.Imaging;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

public class MapNormalizationTests
{
    private static float[] Values(torch.Tensor t) => t.flatten().data<float>().ToArray();

    [Fact]
    public void MinMaxScalesToUnitRange()
    {
        using var map = torch.tensor(new[] { -2f, 0f, 2f, 6f }).reshape(2, 2);
        using var n = MapNormalization.MinMax.Normalize(map);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 1f }, Values(n));
        Assert.Equal(new[] { -2f, 0f, 2f, 6f }, Values(map));
    }

    [Fact]
    public void SymmetricAbsMaxPutsZeroInTheMiddle()
    {
        using var map = torch.tensor(new[] { -1f, 0f, 2f, 4f });
        using var n = MapNormalization.SymmetricAbsMax.Normalize(map);
        Assert.Equal(new[] { 0.375f, 0.5f, 0.75f, 1f }, Values(n));
    }

    [Fact]
    public void PercentileClipsOutliers()
    {
        using var map = torch.cat([torch.arange(0, 99, dtype: torch.ScalarType.Float32), torch.tensor(new[] { 1000f })]);
        using var n = MapNormalization.Percentile(0, 98).Normalize(map);
        var values = Values(n);
        // The 98th percentile (linear interpolation) of 0..98 plus 1000 is 97.02.
        Assert.Equal(50f / 97.02f, values[50], 4);
        Assert.Equal(1f, values[99]);
        Assert.Equal(0f, values[0]);
    }

    [Fact]
    public void AbsoluteValueIgnoresSign()
    {
        using var map = torch.tensor(new[] { -4f, 0f, 2f });
        using var n = MapNormalization.MinMax.WithAbsoluteValue().Normalize(map);
        Assert.Equal(new[] { 1f, 0f, 0.5f }, Values(n));
        Assert.Equal("abs-minmax", MapNormalization.MinMax.WithAbsoluteValue().ToString());
    }

    [Fact]
    public void ConstantMapsDoNotDivideByZero()
    {
        using var constant = torch.full(3, 3, 5f);
        using var minMax = MapNormalization.MinMax.Normalize(constant);
        Assert.All(Values(minMax), v => Assert.Equal(0f, v));
        using var percentile = MapNormalization.Percentile().Normalize(constant);
        Assert.All(Values(percentile), v => Assert.Equal(0f, v));
        using var zeros = torch.zeros(3, 3);
        using var symmetric = MapNormalization.SymmetricAbsMax.Normalize(zeros);
        Assert.All(Values(symmetric), v => Assert.Equal(0.5f, v));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteValuesAreAnErrorNotABlackPicture(float bad)
    {
        using var map = torch.tensor(new[] { 0f, 1f, bad });
        var e = Assert.Throws<LumenException>(() => MapNormalization.MinMax.Normalize(map));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains(float.IsNaN(bad) ? "1 NaN" : "1 infinite", e.Message);
    }

    [Fact]
    public void BadPercentilesAndNamesAreUsageErrors()
    {
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => MapNormalization.Percentile(50, 10)).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => MapNormalization.Percentile(-1, 10)).Kind);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => MapNormalization.Parse("zscore")).Kind);
        Assert.Same(MapNormalization.SymmetricAbsMax, MapNormalization.Parse("symmetric"));
    }

    [Fact]
    public void EachMapOfABatchIsNormalizedOnItsOwn()
    {
        // Map 0 spans -2..6, map 1 is constant, map 2 spans 0..1 with an outlier at 100.
        using var maps = torch.tensor(new[] { -2f, 0f, 2f, 6f, 3f, 3f, 3f, 3f, 0f, 0.5f, 1f, 100f }).reshape(3, 2, 2);
        using var minMax = MapNormalization.MinMax.NormalizeEach(maps);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 1f, 0f, 0f, 0f, 0f, 0f, 0.005f, 0.01f, 1f }, Values(minMax));
        using var symmetric = MapNormalization.SymmetricAbsMax.NormalizeEach(maps);
        Assert.Equal(new[] { 1f / 3, 0.5f, 2f / 3, 1f, 1f, 1f, 1f, 1f, 0.5f, 0.5025f, 0.505f, 1f }, Values(symmetric), new FloatTolerance(1e-6f));
        // Map 2 between its 0th and 75th percentiles (NumPy: 0, and 1 + 0.25 · 99 = 25.75 at position 2.25 of 0, 0.5, 1, 100).
        using var percentile = MapNormalization.Percentile(0, 75).NormalizeEach(maps);
        Assert.Equal(new[] { 0f, 0.5f / 25.75f, 1f / 25.75f, 1f }, Values(percentile[2]), new FloatTolerance(1e-6f));
        Assert.Equal(new float[4], Values(percentile[1]));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
