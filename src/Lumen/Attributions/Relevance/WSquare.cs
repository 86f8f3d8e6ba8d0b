using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-w² (Montavon et al. 2017; Zennit's <c>WSquare</c>): inputs set to 1, weights (and bias) squared:
/// R_i = Σ_j w_ij² R_j / (Σ_i' w_i'j² + b_j² + ε). For a first layer whose inputs are unbounded.
/// </summary>
public sealed class WSquare : ILrpRule
{
    /// <inheritdoc />
    public string Description => "wsquare";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters) =>
        new[] { new RuleTerm(torch.ones_like(input), parameters.RequireWeight("WSquare").square(), parameters.Bias?.square()) };

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs) =>
        new Tensor?[] { Stabilizer.Stabilize(outputs[0]).reciprocal() };
}
