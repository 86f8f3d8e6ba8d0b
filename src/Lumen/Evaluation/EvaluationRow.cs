namespace Lumen.Evaluation;

/// <summary>One line of evaluation.csv.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Image">The image's name.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Value">The value.</param>
public sealed record EvaluationRow(string Method, string Image, string Metric, double Value);
