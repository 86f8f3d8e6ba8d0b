namespace Lumen.Attributions.Relevance;

/// <summary>The total relevance arriving at one layer's output, per image.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Sums">The sum of the relevance at the layer's output, one value per image.</param>
public sealed record LayerRelevance(string Layer, IReadOnlyList<double> Sums);
