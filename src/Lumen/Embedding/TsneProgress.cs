namespace Lumen.Embedding;

/// <summary>One progress report of a t-SNE run.</summary>
/// <param name="Stage">"neighbors", "affinities", "initialization" or "optimization".</param>
/// <param name="Iteration">Iterations done (optimisation stage).</param>
/// <param name="TotalIterations">Total iterations planned.</param>
/// <param name="KlDivergence">KL(P‖Q) of the unexaggerated P at this iteration, when computed (every ReportEvery iterations), else null.</param>
public readonly record struct TsneProgress(string Stage, int Iteration, int TotalIterations, double? KlDivergence);
