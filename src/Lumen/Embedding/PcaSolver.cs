namespace Lumen.Embedding;

/// <summary>How principal components are computed.</summary>
public enum PcaSolver
{
    /// <summary>Exact when D ≤ 4096 (covariance) or N ≤ 4096 (Gram matrix), randomized otherwise.</summary>
    Auto,

    /// <summary>Eigendecomposition of the D x D covariance (or of the N x N Gram matrix when N &lt; D), in float64.</summary>
    Exact,

    /// <summary>Randomized SVD (Halko, Martinsson &amp; Tropp 2011): k + 10 random directions, power iterations with QR re-orthonormalisation.</summary>
    Randomized,
}
