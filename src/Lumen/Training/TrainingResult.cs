namespace Lumen.Training;

/// <summary>The figures of one finished epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Loss">Mean training cross-entropy over the epoch.</param>
/// <param name="Accuracy">Share of training images classified correctly during the epoch.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record EpochResult(int Epoch, double Loss, double Accuracy, double Seconds);
