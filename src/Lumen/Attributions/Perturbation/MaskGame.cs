namespace Lumen.Attributions.Perturbation;

/// <summary>The two games of meaningful perturbation (Fong and Vedaldi 2017).</summary>
public enum MaskGame
{
    /// <summary>Find the smallest region whose removal destroys the target score (the paper's main game).</summary>
    Deletion,

    /// <summary>Find the smallest region that, kept alone, preserves the target score.</summary>
    Preservation,
}
