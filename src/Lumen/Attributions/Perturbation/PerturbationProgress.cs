namespace Lumen.Attributions.Perturbation;

/// <summary>How far a perturbation method has come: perturbed inputs evaluated so far out of the total.</summary>
/// <param name="Done">Perturbed inputs evaluated (or optimisation steps taken).</param>
/// <param name="Total">All perturbed inputs (or steps) of the call.</param>
public readonly record struct PerturbationProgress(long Done, long Total);
