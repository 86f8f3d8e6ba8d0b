namespace Lumen.Embedding;

/// <summary>
/// Runs loops over contiguous, fixed ranges, one per thread, so that every result (including floating-point sums,
/// combined per range in range order) is the same for a given thread count however the threads are scheduled.
/// </summary>
internal static class Parallelism
{
    /// <summary>The thread count to use: <paramref name="requested"/> if positive, else the machine's core count.</summary>
    public static int Threads(int requested) => requested > 0 ? requested : Environment.ProcessorCount;

    /// <summary>Start of part <paramref name="part"/> when <paramref name="count"/> items are split in <paramref name="parts"/>.</summary>
    public static int Start(int count, int parts, int part) => (int)((long)count * part / parts);

    /// <summary>Calls <paramref name="body"/>(start, end, part) for each of <paramref name="parts"/> contiguous ranges of [0, count).</summary>
    public static void For(int count, int parts, Action<int, int, int> body)
    {
        parts = Math.Max(1, Math.Min(parts, count));
        if (parts == 1)
        {
            body(0, count, 0);
            return;
        }

        System.Threading.Tasks.Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
            part => body(Start(count, parts, part), Start(count, parts, part + 1), part));
    }
}
