using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-flat (Lapuschkin et al. 2019; Zennit's <c>Flat</c>): inputs and weights set to 1, bias to 0, so each output's
/// relevance is spread evenly over its receptive field: R_i = Σ_j R_j / (Σ_i' 1 + ε). Used on the first layer.
/// </summary>
public sealed class Flat : ILrpRule
{
    /// <inheritdoc />
    public string Description => "flat";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters) =>
        new[] { new RuleTerm(torch.ones_like(input), torch.ones_like(parameters.RequireWeight("Flat")), null) };

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs) =>
        new Tensor?[] { Stabilizer.Stabilize(outputs[0]).reciprocal() };
}
