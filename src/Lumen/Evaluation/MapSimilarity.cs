using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// How alike two relevance maps are, as in the sanity checks of Adebayo et al. (2018): Spearman's rank correlation
/// (ties get their average rank, as scipy's spearmanr) and the structural similarity (SSIM) of the maps min-max
/// normalized to [0, 1] (7 x 7 uniform window, K1 = 0.01, K2 = 0.03, sample covariance, data range 1: scikit-image's
/// defaults), each on the signed maps or on their absolute values.
/// </summary>
public static class MapSimilarity
{
    /// <summary>Spearman's rank correlation of two maps of equal size; 0 when either map is constant (no ranking).</summary>
    public static double Spearman(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        if (first.Length != second.Length) throw new ArgumentException("maps differ in size", nameof(second));
        double[] a = AverageRanks(first), b = AverageRanks(second);
        double meanA = a.Average(), meanB = b.Average();
        double covariance = 0, varianceA = 0, varianceB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            covariance += (a[i] - meanA) * (b[i] - meanB);
            varianceA += (a[i] - meanA) * (a[i] - meanA);
            varianceB += (b[i] - meanB) * (b[i] - meanB);
        }
        return varianceA == 0 || varianceB == 0 ? 0 : covariance / Math.Sqrt(varianceA * varianceB);
    }

    /// <summary>Pearson's correlation of two series of equal length; 0 when either is constant.</summary>
    public static double Pearson(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count) throw new ArgumentException("series differ in length", nameof(second));
        double meanA = first.Average(), meanB = second.Average();
        double covariance = 0, varianceA = 0, varianceB = 0;
        for (int i = 0; i < first.Count; i++)
        {
            covariance += (first[i] - meanA) * (second[i] - meanB);
            varianceA += (first[i] - meanA) * (first[i] - meanA);
            varianceB += (second[i] - meanB) * (second[i] - meanB);
        }
        return varianceA == 0 || varianceB == 0 ? 0 : covariance / Math.Sqrt(varianceA * varianceB);
    }

    /// <summary>The ranks 1..n of <paramref name="values"/>, tied values sharing their average rank.</summary>
    public static double[] AverageRanks(ReadOnlySpan<float> values)
    {
        var order = Enumerable.Range(0, values.Length).ToArray();
        var copy = values.ToArray();
        Array.Sort(copy.ToArray(), order);
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && copy[order[end + 1]] == copy[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>The mean SSIM of two maps [H, W] after min-max normalizing each to [0, 1] (a constant map becomes 0).</summary>
    public static double Ssim(Tensor first, Tensor second, int window = 7)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        using var scope = NewDisposeScope();
        Tensor x = Normalize(first).reshape(1, 1, first.shape[0], first.shape[1]);
        Tensor y = Normalize(second).reshape(1, 1, second.shape[0], second.shape[1]);
        int size = (int)Math.Min(window, Math.Min(first.shape[0], first.shape[1]));
        if (size % 2 == 0) size--;
        double samples = size * size;
        double correction = samples / (samples - 1);
        Tensor Mean(Tensor t) => nn.functional.avg_pool2d(t, size, stride: 1);
        Tensor ux = Mean(x), uy = Mean(y);
        Tensor vx = (Mean(x * x) - ux * ux) * correction;
        Tensor vy = (Mean(y * y) - uy * uy) * correction;
        Tensor vxy = (Mean(x * y) - ux * uy) * correction;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        Tensor map = (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        return map.mean().item<double>();
    }

    private static Tensor Normalize(Tensor map)
    {
        Tensor values = map.to_type(ScalarType.Float64);
        Tensor low = values.min(), range = values.max() - low;
        return range.item<double>() > 0 ? (values - low) / range : torch.zeros_like(values);
    }
}
