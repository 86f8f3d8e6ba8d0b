namespace Lumen.Embedding;

/// <summary>How a layer's output for one image becomes one feature vector.</summary>
public enum FeaturePooling
{
    /// <summary>All values, flattened (C·H·W features for a convolutional map).</summary>
    Flatten,

    /// <summary>Global average over the spatial dimensions (C features for a [C, H, W] map; flattened otherwise).</summary>
    Mean,
}
