using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>One term of a rule's modified forward pass: the layer applied to <paramref name="Input"/> with the given parameters.</summary>
/// <param name="Input">The modified input (e.g. the positive part of the input, or ones); same shape as the layer's input.</param>
/// <param name="Weight">The modified weight, or null for layers without parameters.</param>
/// <param name="Bias">The modified bias, or null for none.</param>
public sealed record RuleTerm(Tensor Input, Tensor? Weight, Tensor? Bias);
