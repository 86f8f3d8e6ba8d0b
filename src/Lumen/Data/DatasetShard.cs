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

    /// <summary>"I/N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
