using Lumen.Benchmarking;
using Xunit;

namespace Lumen.Tests.Benchmarking;

/// <summary>The median and the per-call averaging behind <c>lumen bench</c>.</summary>
public class WallClockTests
{
    [Fact]
    public void MedianTakesTheMiddleValueOrTheMeanOfTheMiddleTwo()
    {
        Assert.Equal(2, WallClock.Median([3, 1, 2]));
        Assert.Equal(2.5, WallClock.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void FastActionsAreRepeatedUntilTheMinimumTimeHasPassed()
    {
        int calls = 0;
        double perCall = WallClock.Time(() => calls++, minimumSeconds: 0.02);
        Assert.True(calls > 1);
        Assert.True(perCall * calls >= 0.02);
    }
}
