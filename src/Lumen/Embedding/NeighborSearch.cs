namespace Lumen.Embedding;

/// <summary>How nearest neighbours are found.</summary>
public enum NeighborMethod
{
    /// <summary>Exact when N² D is small (at most 2·10⁹ distance terms), else the random-projection forest.</summary>
    Auto,

    /// <summary>Every pair compared.</summary>
    Exact,

    /// <summary>Random-projection forest with neighbour-of-neighbour refinement.</summary>
    Approximate,
}

/// <summary>Chooses and runs the neighbour search.</summary>
public static class NeighborSearch
{
    /// <summary>The k nearest neighbours of every point by <paramref name="method"/>.</summary>
    public static NeighborGraph Find(FeatureMatrix data, int k, NeighborMethod method, int seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool exact = method == NeighborMethod.Exact
            || (method == NeighborMethod.Auto && (double)data.Rows * data.Rows * data.Columns <= 2e9);
        return exact ? ExactNeighbors.Search(data, k, threads) : new RandomProjectionForest().Search(data, k, seed, threads);
    }
}
