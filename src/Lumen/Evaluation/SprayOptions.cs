namespace Lumen.Evaluation;

/// <summary>The settings of SpRAy.</summary>
public sealed record SprayOptions
{
    /// <summary>Side of the average-pooled relevance maps that are clustered (default 14: 14 x 14 features).</summary>
    public int Size { get; init; } = 14;

    /// <summary>k of the k-nearest-neighbour graph (default 10; at most the number of images minus one).</summary>
    public int Neighbours { get; init; } = 10;

    /// <summary>The number of clusters, or null to choose it by the eigengap.</summary>
    public int? Clusters { get; init; }

    /// <summary>The largest number of clusters the eigengap may choose (default 8).</summary>
    public int MaxClusters { get; init; } = 8;

    /// <summary>Seeds k-means.</summary>
    public int Seed { get; init; }

    /// <summary>Images per attribution call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="LumenException">A size or batch size below 1 (kind Usage).</exception>
    public void Validate()
    {
        if (Size < 1) throw LumenException.Usage($"--grid {Size}: expected a positive number of cells per side");
        if (BatchSize < 1) throw LumenException.Usage($"--batch-size {BatchSize}: expected a positive number of images");
    }
}
