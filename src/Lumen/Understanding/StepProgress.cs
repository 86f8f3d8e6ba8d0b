namespace Lumen.Understanding;

/// <summary>Progress of a long run: <paramref name="Done"/> of <paramref name="Total"/> steps.</summary>
/// <param name="Done">Steps finished.</param>
/// <param name="Total">All steps of the run.</param>
/// <param name="Objective">The mean objective of the current batch at the last step, for display.</param>
public readonly record struct StepProgress(int Done, int Total, double Objective);
