using Lumen.Imaging;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The settings every CAM method shares: the layer (or layers), the final ReLU, and how several layers are
/// combined. With one layer the result is the raw map at that layer's resolution and <see cref="Combine"/>,
/// <see cref="Normalize"/> and <see cref="Upsampling"/> play no part.
/// </summary>
public sealed class CamOptions
{
    /// <summary>Options for one or more layers, by name (e.g. <c>layer4</c>, <c>layer4.1.conv2</c>).</summary>
    public CamOptions(params string[] layers)
    {
        if (layers.Length == 0 || layers.Any(string.IsNullOrWhiteSpace))
            throw LumenException.Usage("a CAM method needs at least one layer name: add --layer NAME (see 'lumen layers --model ...')");
        if (layers.Distinct(StringComparer.Ordinal).Count() != layers.Length)
            throw LumenException.Usage($"layer list '{string.Join(",", layers)}' names a layer twice; give each layer once");
        Layers = layers.ToArray();
    }

    /// <summary>The layers whose activations are weighted, at least one.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Whether negative map values are set to zero (the papers' definition); default true.</summary>
    public bool Relu { get; init; } = true;

    /// <summary>How several layers' maps are merged (default the mean, as pytorch-grad-cam does).</summary>
    public CamCombination Combine { get; init; } = CamCombination.Mean;

    /// <summary>
    /// With several layers: whether each layer's map is min-max scaled per image to [0, 1] before combining
    /// (default true; layers have unrelated magnitudes otherwise).
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>With several layers: how each layer's map is enlarged to the input's size (default bilinear).</summary>
    public Upsampling Upsampling { get; init; } = Upsampling.Bilinear;

    /// <summary>
    /// Whether the per-channel terms are projected on their first principal direction (<see cref="PrincipalProjection"/>)
    /// instead of summed over channels: pytorch-grad-cam's <c>eigen_smooth</c>; default false. Refused by the methods
    /// that are already such a projection (Eigen-CAM, Eigen-Grad-CAM).
    /// </summary>
    public bool EigenSmooth { get; init; }

    /// <summary>
    /// Whether the map is averaged over the input mirrored horizontally or not and multiplied by 0.9, 1 and 1.1
    /// (<see cref="AugmentationSmoothing"/>): pytorch-grad-cam's <c>aug_smooth</c>; default false.
    /// </summary>
    public bool AugSmooth { get; init; }

    /// <summary>
    /// Whether the layer was chosen by <see cref="CamLayerChoice.LastSpatialLayer"/> rather than named; recorded in the
    /// settings as <c>layer-choice=automatic</c>.
    /// </summary>
    public bool AutomaticLayer { get; init; }
}
