using System.Diagnostics;

namespace Lumen.Benchmarking;

/// <summary>Times actions and takes medians.</summary>
internal static class WallClock
{
    /// <summary>
    /// Wall time of one call of <paramref name="action"/>, in seconds: calls it back to back until at least
    /// <paramref name="minimumSeconds"/> have passed (once for slow actions) and divides by the calls, so that
    /// millisecond actions are not lost in the clock's and the scheduler's noise.
    /// </summary>
    public static double Time(Action action, double minimumSeconds = 0.05)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do
        {
            action();
            calls++;
        }
        while (clock.Elapsed.TotalSeconds < minimumSeconds);
        return clock.Elapsed.TotalSeconds / calls;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
