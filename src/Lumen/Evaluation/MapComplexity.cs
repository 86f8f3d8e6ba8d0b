namespace Lumen.Evaluation;

/// <summary>
/// How concise a relevance map is, computed on the absolute values of its pixels: the Gini index (sparseness,
/// Chalasani et al. 2020) and the entropy of the normalised map (complexity, Bhatt et al. 2020).
/// </summary>
public static class MapComplexity
{
    /// <summary>
    /// The Gini index of |<paramref name="map"/>|: with the n absolute values sorted ascending a₁ ≤ … ≤ aₙ,
    /// G = Σₖ (2k − n − 1) aₖ / (n Σₖ aₖ). 0 for a uniform map (and for an all-zero map), (n − 1)/n, the maximum, for a
    /// map with one non-zero pixel. Higher is sparser.
    /// </summary>
    public static double Sparseness(ReadOnlySpan<float> map)
    {
        if (map.Length == 0) throw new ArgumentException("the map is empty", nameof(map));
        var values = new double[map.Length];
        for (int i = 0; i < values.Length; i++) values[i] = Math.Abs((double)map[i]);
        Array.Sort(values);
        int n = values.Length;
        double total = 0, weighted = 0;
        for (int k = 1; k <= n; k++)
        {
            total += values[k - 1];
            weighted += (2.0 * k - n - 1) * values[k - 1];
        }
        return total > 0 ? weighted / (n * total) : 0;
    }

    /// <summary>
    /// The Shannon entropy (natural logarithm) of p = |<paramref name="map"/>| / Σ |map|: 0 for a map with one non-zero
    /// pixel, ln n, the maximum, for a uniform map (an all-zero map counts as uniform, as its sparseness 0 says).
    /// Lower is simpler.
    /// </summary>
    public static double Complexity(ReadOnlySpan<float> map)
    {
        if (map.Length == 0) throw new ArgumentException("the map is empty", nameof(map));
        double total = 0;
        foreach (float value in map) total += Math.Abs((double)value);
        if (!(total > 0)) return Math.Log(map.Length);
        double entropy = 0;
        foreach (float value in map)
        {
            double p = Math.Abs((double)value) / total;
            if (p > 0) entropy -= p * Math.Log(p);
        }
        return entropy;
    }
}
