using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Zennit's <c>Pass</c>: relevance goes through the layer unchanged (R_in = R_out). The rule for element-wise
/// activations (ReLU), dropout in evaluation mode, flattening, and BatchNorm layers merged into their convolution.
/// </summary>
public sealed class Pass : ILrpRule
{
    /// <inheritdoc />
    public string Description => "pass";

    /// <summary>Pass has no modified forward pass; the propagation sends relevance straight through.</summary>
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters) => Array.Empty<RuleTerm>();

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs) => Array.Empty<Tensor?>();
}
