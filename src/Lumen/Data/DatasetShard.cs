using System.Globalization;

namespace Lumen.Data;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: a deterministic, contiguous 1/Count of a dataset, so that N
/// copies of a job (Kubernetes indexed Jobs, Slurm array jobs) each take one part and their outputs merge exactly.
/// Shard i holds images ⌊i·total/N⌋ .. ⌊(i+1)·total/N⌋ − 1, in the dataset's order.
/// </summary>
/// <param name="Index">Which part, from 0 to <see cref="Count"/> − 1.</param>
/// <param name="Count">How many parts.</param>
public readonly record struct DatasetShard(int Index, int Count)
{
    /// <summary>Parses "I/N" (0 ≤ I &lt; N), as given to <c>--shard</c>.</summary>
    /// <exception cref="LumenException">Not of that form (kind Usage).</exception>
    public static DatasetShard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new DatasetShard(index, count);
        }

        throw LumenException.Usage($"--shard {text}: expected I/N with 0 <= I < N, e.g. 0/4 for the first of four shards");
    }

    /// <summary>The first image of this shard in a dataset of <paramref name="total"/> images.</summary>
    public int StartIn(int total) => (int)((long)total * Index / Count);

    /// <summary>How many images this shard holds in a dataset of <paramref name="total"/> images.</summary>
    public int CountIn(int total) => (int)((long)total * (Index + 1) / Count) - StartIn(total);

    /// <summary>This shard of <paramref name="data"/> as a dataset (the caller keeps ownership of <paramref name="data"/>).</summary>
    /// <exception cref="LumenException">The shard would be empty (kind Usage).</exception>
    public DatasetSlice Of(IImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (CountIn(data.Count) == 0)
            throw LumenException.Usage($"--shard {this}: {data.Description} has only {data.Count} images, too few for {Count} shards");
        return new DatasetSlice(data, StartIn(data.Count), CountIn(data.Count));
    }

    /// <summary>
    /// Checks that <paramref name="shards"/> are every shard of one N-way split, each once, as a merge needs.
    /// </summary>
    /// <exception cref="LumenException">Different shard counts, or shards missing or given twice (kind InputData).</exception>
    public static void CheckComplete(IReadOnlyList<DatasetShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw LumenException.Usage("no shard files given");
        int count = shards[0].Count;
        if (shards.Any(s => s.Count != count))
            throw LumenException.InputData($"cannot merge: the files split the data into different numbers of shards ({string.Join(", ", shards.Select(s => s.Count).Distinct())})");
        var missing = Enumerable.Range(0, count).Except(shards.Select(s => s.Index)).ToList();
        var repeated = shards.GroupBy(s => s.Index).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count > 0 || repeated.Count > 0)
        {
            string problem = missing.Count > 0 ? $"shard(s) {string.Join(", ", missing.Select(i => $"{i}/{count}"))} missing" : $"shard(s) {string.Join(", ", repeated.Select(i => $"{i}/{count}"))} given twice";
            throw LumenException.InputData($"cannot merge: {problem}; give every shard file of the run once");
        }
    }

    /// <summary>"I/N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
