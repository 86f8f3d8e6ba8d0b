namespace Lumen.Attributions.Relevance;

/// <summary>
/// How much relevance LRP kept: per image, the relevance put on the output (the explained logit, for a class
/// target) and the sum of the relevance arriving at the input. They differ where biases absorb relevance and where
/// rules are not conservative (Gamma, AlphaBeta, ZPlus with biases; the ε stabiliser).
/// </summary>
/// <param name="OutputRelevance">The sum of the initial relevance of each image.</param>
/// <param name="InputRelevance">The sum of the input relevance of each image.</param>
/// <param name="Layers">Per-layer sums in the order the layers ran, when requested; otherwise empty.</param>
public sealed record ConservationReport(IReadOnlyList<double> OutputRelevance, IReadOnlyList<double> InputRelevance, IReadOnlyList<LayerRelevance> Layers)
{
    /// <summary>|input − output| / |output| for each image (infinity when the output relevance is 0 and the input's is not).</summary>
    public IReadOnlyList<double> RelativeError => OutputRelevance.Zip(InputRelevance, (output, input) =>
        output == input ? 0 : Math.Abs(input - output) / Math.Abs(output)).ToList();
}
