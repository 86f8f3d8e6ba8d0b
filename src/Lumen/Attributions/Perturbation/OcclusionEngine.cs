namespace Lumen.Attributions.Perturbation;

/// <summary>How <see cref="Occlusion"/> evaluates the occluded copies.</summary>
public enum OcclusionEngine
{
    /// <summary>Incremental when the model's layers allow it, full passes otherwise.</summary>
    Auto,

    /// <summary>
    /// Recompute only the part of each layer that a window changes (Krypton, Nakandala et al. 2019), exactly: the same
    /// scores as full passes up to float rounding. Refused for a model with a layer it does not know.
    /// </summary>
    Incremental,

    /// <summary>One full forward pass per occluded copy.</summary>
    Full,
}
