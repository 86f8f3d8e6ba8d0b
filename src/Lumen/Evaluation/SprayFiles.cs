using System.Text.Json;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>Writes SpRAy's results: clusters.json and the montage of the cluster prototypes.</summary>
public static class SprayFiles
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: the model, data, class and method, the dataset index of every
    /// clustered image with its cluster, the cluster sizes, the number of clusters and the Laplacian's smallest eigenvalues.
    /// </summary>
    public static void WriteJson(string path, SprayResult result, IReadOnlyList<long> indices, string model, string data, int classIndex, string method)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(indices);
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("data", data);
            json.WriteNumber("class", classIndex);
            json.WriteString("method", method);
            json.WriteNumber("clusterCount", result.Clusters.ClusterCount);
            json.WriteStartArray("sizes");
            foreach (int size in result.Sizes) json.WriteNumberValue(size);
            json.WriteEndArray();
            json.WriteStartArray("eigenvalues");
            foreach (double value in result.Clusters.Eigenvalues) json.WriteNumberValue(value);
            json.WriteEndArray();
            json.WriteStartArray("images");
            foreach (long index in indices) json.WriteNumberValue(index);
            json.WriteEndArray();
            json.WriteStartArray("clusters");
            foreach (int label in result.Labels) json.WriteNumberValue(label);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// One panel per cluster, largest first: the cluster's mean picture (<paramref name="meanDisplay"/> [clusters, 3, H, W]
    /// in [0, 1]) under its mean relevance (blue-white-red, symmetric around 0), captioned with the cluster's size.
    /// </summary>
    public static RgbImage Montage(SprayResult result, Tensor meanDisplay)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(meanDisplay);
        using var scope = NewDisposeScope();
        var sizes = result.Sizes;
        int factor = (int)Math.Max(1, 112 / meanDisplay.shape[2]);
        var panels = new List<MontagePanel>();
        for (int c = 0; c < sizes.Count; c++)
        {
            var picture = HeatmapRenderer.Overlay(meanDisplay[c], result.MeanRelevance[c].to(meanDisplay.device), Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax, 0.6f);
            panels.Add(new MontagePanel(picture.ScaleNearest(factor), $"cluster {c}: {sizes[c]} images"));
        }
        return Imaging.Montage.Create(panels, Math.Min(panels.Count, 4));
    }
}
