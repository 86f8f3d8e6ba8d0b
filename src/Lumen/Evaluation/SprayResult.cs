using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// What SpRAy found: the cluster of each image (clusters numbered by decreasing size), the sizes, the Laplacian's
/// smallest eigenvalues, and per cluster the mean image and mean relevance map (the prototypes), which this object owns.
/// </summary>
public sealed class SprayResult : IDisposable
{
    /// <summary>Takes ownership of the prototype tensors.</summary>
    public SprayResult(SpectralClusters clusters, Tensor meanImages, Tensor meanRelevance)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        Clusters = clusters;
        MeanImages = meanImages.DetachFromDisposeScope();
        MeanRelevance = meanRelevance.DetachFromDisposeScope();
    }

    /// <summary>The clustering.</summary>
    public SpectralClusters Clusters { get; }

    /// <summary>The cluster of each image.</summary>
    public IReadOnlyList<int> Labels => Clusters.Labels;

    /// <summary>The number of images of each cluster, largest first.</summary>
    public IReadOnlyList<int> Sizes => Enumerable.Range(0, Clusters.ClusterCount).Select(c => Clusters.Labels.Count(l => l == c)).ToList();

    /// <summary>The mean model-input image of each cluster, [clusters, C, H, W].</summary>
    public Tensor MeanImages { get; }

    /// <summary>The mean pixel relevance of each cluster, [clusters, H, W].</summary>
    public Tensor MeanRelevance { get; }

    /// <summary>Frees the prototypes.</summary>
    public void Dispose()
    {
        MeanImages.Dispose();
        MeanRelevance.Dispose();
    }
}
