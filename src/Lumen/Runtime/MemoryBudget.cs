namespace Lumen.Runtime;

/// <summary>
/// How much memory one planned allocation of a method may take: a share of what the process may use (the machine's
/// memory, or a container's limit). Methods whose memory grows with a setting (RISE's masks, a batch size) check
/// their plan against it before allocating, so a huge setting is a clear refusal instead of a crash in libtorch.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The share of the memory the process may use that one planned allocation may take.</summary>
    public const double Share = 0.5;

    /// <summary>The memory the process may use, in bytes (what .NET sees: physical memory or the container's limit).</summary>
    public static long ProcessBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The most bytes one planned allocation may take.</summary>
    public static long Bytes => (long)(ProcessBytes * Share);

    /// <summary>Refuses a plan of <paramref name="bytes"/> above <see cref="Bytes"/>.</summary>
    /// <param name="bytes">The planned bytes (a double, so that products of large settings cannot overflow).</param>
    /// <param name="what">What plans the allocation, e.g. "RISE with 200000000 masks".</param>
    /// <param name="fix">How to make it smaller, e.g. "use fewer masks".</param>
    /// <exception cref="LumenException">The plan does not fit (kind Usage).</exception>
    public static void Require(double bytes, string what, string fix)
    {
        if (bytes <= Bytes) return;
        throw LumenException.Usage($"{what} would need {ByteCount.Describe(bytes)} of memory, more than the {ByteCount.Describe(Bytes)} one step may take ({Share:P0} of the {ByteCount.Describe(ProcessBytes)} this process may use); {fix}");
    }
}
