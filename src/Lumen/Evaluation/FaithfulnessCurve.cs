namespace Lumen.Evaluation;

/// <summary>
/// One image's curve: the target score after each step (point 0 is the unchanged start), the fraction of units
/// changed at each point, and the curve's summary value (area under the curve, or AOPC for pixel flipping).
/// </summary>
/// <param name="Fractions">The fraction of pixels (or regions) changed at each point, 0 to 1.</param>
/// <param name="Scores">The target score at each point.</param>
/// <param name="Value">The summary value.</param>
public sealed record FaithfulnessCurve(IReadOnlyList<double> Fractions, IReadOnlyList<double> Scores, double Value);
