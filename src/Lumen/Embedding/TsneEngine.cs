namespace Lumen.Embedding;

/// <summary>How the repulsive part of the t-SNE gradient is computed.</summary>
public enum TsneEngine
{
    /// <summary>Exact below 1,000 points, Barnes-Hut below 10,000, FFT interpolation above.</summary>
    Auto,

    /// <summary>All pairs, O(N²).</summary>
    Exact,

    /// <summary>Barnes-Hut quadtree, O(N log N).</summary>
    BarnesHut,

    /// <summary>FFT-accelerated interpolation (FIt-SNE), O(N).</summary>
    Fft,
}
