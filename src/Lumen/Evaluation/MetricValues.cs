namespace Lumen.Evaluation;

/// <summary>One metric's value for each image.</summary>
/// <param name="Metric">The metric's name as written in evaluation.csv, e.g. <c>deletion</c> or <c>pixel-flipping-morf</c>.</param>
/// <param name="Values">One value per image.</param>
public sealed record MetricValues(string Metric, IReadOnlyList<double> Values);
