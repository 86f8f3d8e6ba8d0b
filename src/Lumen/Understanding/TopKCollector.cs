namespace Lumen.Understanding;

/// <summary>
/// Keeps, for each of many units, the K highest and the K lowest scoring examples of a stream, in one pass and
/// with memory bounded by 2·K entries per unit (a min-heap of the best K and a max-heap of the worst K), whatever
/// the length of the stream. Ties are broken by the earlier index, so the result equals a stable sort of all
/// scores: top = score descending then index ascending; bottom = score ascending then index ascending.
/// </summary>
public sealed class TopKCollector
{
    private readonly int units;
    private readonly int k;
    private readonly PriorityQueue<int, RankedExample>[] top;
    private readonly PriorityQueue<int, RankedExample>[] bottom;
    private readonly Dictionary<int, int> members = new();

    /// <summary>The most entries a heap reserves before examples arrive.</summary>
    private const int InitialCapacity = 1024;

    /// <summary>Prepares heaps for <paramref name="units"/> units, keeping <paramref name="k"/> examples at each end.</summary>
    public TopKCollector(int units, int k)
    {
        if (units <= 0) throw LumenException.Usage($"top-K needs at least one unit, got {units}");
        if (k <= 0) throw LumenException.Usage($"K must be at least 1, got {k}");
        this.units = units;
        this.k = k;
        // Each heap's root is its worst member, the one the next better example replaces. The heaps grow as examples
        // arrive, so a K larger than the dataset costs nothing up front.
        int capacity = Math.Min(k, InitialCapacity);
        top = Enumerable.Range(0, units).Select(_ => new PriorityQueue<int, RankedExample>(capacity, TopOrder.Instance)).ToArray();
        bottom = Enumerable.Range(0, units).Select(_ => new PriorityQueue<int, RankedExample>(capacity, BottomOrder.Instance)).ToArray();
    }

    /// <summary>The number of units.</summary>
    public int Units => units;

    /// <summary>How many examples are kept at each end.</summary>
    public int K => k;

    /// <summary>Examples seen so far.</summary>
    public long Seen { get; private set; }

    /// <summary>
    /// Adds <paramref name="count"/> examples with indices <paramref name="firstIndex"/>, +1, …; <paramref name="scores"/> is
    /// row-major [count, units]: example i's value for unit u at i·units + u.
    /// </summary>
    /// <exception cref="LumenException">A score is NaN (kind Model).</exception>
    public void Add(int firstIndex, ReadOnlySpan<float> scores, int count)
    {
        if (scores.Length != (long)count * units)
            throw new ArgumentException($"{count} examples of {units} units need {count * units} scores, not {scores.Length}", nameof(scores));
        for (int i = 0; i < count; i++)
        {
            int index = firstIndex + i;
            for (int u = 0; u < units; u++)
            {
                float score = scores[i * units + u];
                if (float.IsNaN(score))
                    throw LumenException.Model($"the model gave NaN for unit {u} on example {index}; top-K needs finite scores");
                var example = new RankedExample(index, score);
                Offer(top[u], example, TopOrder.Instance);
                Offer(bottom[u], example, BottomOrder.Instance);
            }
        }
        Seen += count;
    }

    /// <summary>Whether example <paramref name="index"/> is currently kept for any unit.</summary>
    public bool Holds(int index) => members.ContainsKey(index);

    /// <summary>The kept examples of <paramref name="unit"/> with the highest scores, highest first.</summary>
    public IReadOnlyList<RankedExample> Top(int unit) =>
        top[unit].UnorderedItems.Select(item => item.Priority).OrderByDescending(e => e.Score).ThenBy(e => e.Index).ToList();

    /// <summary>The kept examples of <paramref name="unit"/> with the lowest scores, lowest first.</summary>
    public IReadOnlyList<RankedExample> Bottom(int unit) =>
        bottom[unit].UnorderedItems.Select(item => item.Priority).OrderBy(e => e.Score).ThenBy(e => e.Index).ToList();

    private void Offer(PriorityQueue<int, RankedExample> heap, RankedExample example, IComparer<RankedExample> worstFirst)
    {
        if (heap.Count < k)
        {
            heap.Enqueue(example.Index, example);
            Join(example.Index);
            return;
        }
        heap.TryPeek(out _, out RankedExample worst);
        // Replace the worst member only when the new example ranks strictly before it.
        if (worstFirst.Compare(example, worst) <= 0) return;
        heap.DequeueEnqueue(example.Index, example);
        Leave(worst.Index);
        Join(example.Index);
    }

    private void Join(int index) => members[index] = members.GetValueOrDefault(index) + 1;

    private void Leave(int index)
    {
        int left = members[index] - 1;
        if (left == 0) members.Remove(index);
        else members[index] = left;
    }

    /// <summary>Orders the top heap worst first: lower score first, and for equal scores the later index first.</summary>
    private sealed class TopOrder : IComparer<RankedExample>
    {
        public static readonly TopOrder Instance = new();

        public int Compare(RankedExample a, RankedExample b)
        {
            int byScore = a.Score.CompareTo(b.Score);
            return byScore != 0 ? byScore : b.Index.CompareTo(a.Index);
        }
    }

    /// <summary>Orders the bottom heap worst first: higher score first, and for equal scores the later index first.</summary>
    private sealed class BottomOrder : IComparer<RankedExample>
    {
        public static readonly BottomOrder Instance = new();

        public int Compare(RankedExample a, RankedExample b)
        {
            int byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : b.Index.CompareTo(a.Index);
        }
    }
}
