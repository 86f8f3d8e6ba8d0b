namespace Lumen.Training;

/// <summary>Where training is: step <paramref name="Step"/> of <paramref name="TotalSteps"/>, with running figures of the current epoch.</summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Step">Optimisation steps done so far, over all epochs.</param>
/// <param name="TotalSteps">Steps in the whole run.</param>
/// <param name="Loss">Mean cross-entropy of the epoch's batches so far.</param>
/// <param name="Accuracy">Share of the epoch's training images classified correctly so far (in training mode).</param>
public readonly record struct TrainingProgress(int Epoch, int Step, int TotalSteps, double Loss, double Accuracy);
