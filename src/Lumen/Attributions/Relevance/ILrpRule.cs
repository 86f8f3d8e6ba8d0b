using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// An LRP rule for one layer, written as a modified forward pass (as Zennit does): the layer is applied to
/// modified inputs with modified parameters (the <see cref="Terms"/>), and the relevance R arriving at the layer's
/// output is sent back as R_in = Σ_k m_k ⊙ J_kᵀ (R ⊙ f_k), where m_k is the modified input of term k, J_k the
/// layer's Jacobian with the modified parameters of term k and f_k the term's <see cref="Factors"/> (one over a
/// stabilised denominator, times a coefficient).
/// </summary>
public interface ILrpRule
{
    /// <summary>A short description with the rule's settings, e.g. <c>epsilon(1E-06)</c>.</summary>
    string Description { get; }

    /// <summary>
    /// The terms of the modified forward pass for a layer with input <paramref name="input"/> and (possibly
    /// canonized) parameters <paramref name="parameters"/>.
    /// </summary>
    IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters);

    /// <summary>
    /// Given the outputs of the terms (same order, computed without gradients), the factor each term's output
    /// relevance is multiplied with; null for a term that only feeds a denominator or a sign test.
    /// </summary>
    IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs);
}
