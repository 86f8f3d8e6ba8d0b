using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>The result of spectral clustering.</summary>
/// <param name="Labels">The cluster of each point, clusters numbered by decreasing size.</param>
/// <param name="ClusterCount">The number of clusters (chosen by the eigengap unless given).</param>
/// <param name="Eigenvalues">The smallest eigenvalues of the normalized Laplacian, ascending.</param>
public sealed record SpectralClusters(int[] Labels, int ClusterCount, IReadOnlyList<double> Eigenvalues);

/// <summary>
/// Spectral clustering (Ng, Jordan &amp; Weiss 2002; von Luxburg 2007) as SpRAy uses it: a symmetric k-nearest-neighbour
/// graph (Euclidean distance, edge weight 1 when either point is among the other's k nearest), the normalized Laplacian
/// L = I − D^(−1/2) A D^(−1/2), its eigenvectors from a symmetric eigensolver (torch.linalg.eigh, float64), the number
/// of clusters c from the largest eigengap λ(c+1) − λ(c) among c = 2 .. maxClusters, and k-means (k-means++ seeded) on
/// the rows of the first c eigenvectors scaled to unit length.
/// </summary>
public static class SpectralClustering
{
    /// <summary>Clusters the rows of <paramref name="features"/> [n, d].</summary>
    /// <param name="features">The points.</param>
    /// <param name="neighbours">k of the k-NN graph.</param>
    /// <param name="clusters">The number of clusters, or null to choose it by the eigengap.</param>
    /// <param name="maxClusters">The largest number the eigengap may choose.</param>
    /// <param name="seed">Seeds k-means.</param>
    public static SpectralClusters Cluster(Tensor features, int neighbours, int? clusters = null, int maxClusters = 10, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        long n = features.shape[0];
        if (n < 3) throw LumenException.Usage($"spectral clustering needs at least 3 images, got {n}");
        if (neighbours < 1 || neighbours >= n) throw LumenException.Usage($"--neighbours {neighbours}: expected 1 to {n - 1} (the number of images minus one)");
        if (clusters is { } fixedCount && (fixedCount < 1 || fixedCount > n)) throw LumenException.Usage($"--clusters {fixedCount}: expected 1 to {n}");
        if (maxClusters < 2) throw LumenException.Usage($"--max-clusters {maxClusters}: expected at least 2");
        using var scope = NewDisposeScope();
        // On the CPU whatever device the features are on: an n x n problem, and the same clusters on every device.
        Tensor points = features.to_type(ScalarType.Float64).cpu().reshape(n, -1);
        Tensor distances = torch.cdist(points, points);
        distances = distances.masked_fill(torch.eye(n, dtype: ScalarType.Bool), double.PositiveInfinity);
        Tensor nearest = distances.topk(neighbours, dim: 1, largest: false).indexes;
        Tensor affinity = torch.zeros(n, n, dtype: ScalarType.Float64).scatter_(1, nearest, torch.ones(n, neighbours, dtype: ScalarType.Float64));
        affinity = torch.maximum(affinity, affinity.t());
        Tensor inverseRoot = affinity.sum(dim: 1).pow(-0.5);
        Tensor laplacian = torch.eye(n, dtype: ScalarType.Float64) - inverseRoot.unsqueeze(1) * affinity * inverseRoot.unsqueeze(0);
        laplacian = (laplacian + laplacian.t()) / 2;
        var (values, vectors) = torch.linalg.eigh(laplacian);
        double[] eigenvalues = values.data<double>().ToArray();
        int limit = (int)Math.Min(maxClusters, n - 1);
        int count = clusters ?? Enumerable.Range(2, limit - 1).MaxBy(c => eigenvalues[c] - eigenvalues[c - 1]);
        Tensor embedding = vectors.narrow(1, 0, count);
        embedding = embedding / embedding.norm(1, keepdim: true).clamp_min(1e-12);
        double[] flat = embedding.contiguous().data<double>().ToArray();
        double[][] rows = Enumerable.Range(0, (int)n).Select(i => flat.Skip(i * count).Take(count).ToArray()).ToArray();
        int[] labels = KMeans.Cluster(rows, count, seed);
        return new SpectralClusters(BySize(labels, count), count, eigenvalues.Take(Math.Min(eigenvalues.Length, maxClusters + 1)).ToList());
    }

    /// <summary>Renumbers clusters by decreasing size (ties by first appearance).</summary>
    private static int[] BySize(int[] labels, int count)
    {
        var order = Enumerable.Range(0, count).OrderByDescending(c => labels.Count(l => l == c)).ThenBy(c => Array.IndexOf(labels, c)).ToList();
        return labels.Select(l => order.IndexOf(l)).ToArray();
    }
}
