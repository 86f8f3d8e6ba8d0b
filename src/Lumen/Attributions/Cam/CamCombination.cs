namespace Lumen.Attributions.Cam;

/// <summary>How the maps of several layers are merged into one, after each is brought to the input's size.</summary>
public enum CamCombination
{
    /// <summary>The element-wise mean over layers (pytorch-grad-cam's rule for several target layers).</summary>
    Mean,

    /// <summary>The element-wise maximum over layers.</summary>
    Max,
}
