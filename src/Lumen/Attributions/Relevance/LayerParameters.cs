using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// The parameters LRP uses for a layer: the layer's own weight and bias, or those a canonizer computed (for
/// example a convolution with the following BatchNorm merged in). Both are null for layers without parameters.
/// </summary>
/// <param name="Weight">The weight, or null.</param>
/// <param name="Bias">The bias, or null.</param>
public sealed record LayerParameters(Tensor? Weight, Tensor? Bias)
{
    /// <summary>No parameters (pooling, additions).</summary>
    public static LayerParameters None { get; } = new(null, null);

    /// <summary>The weight, or a usage error saying that <paramref name="rule"/> needs a layer with weights.</summary>
    public Tensor RequireWeight(string rule) =>
        Weight ?? throw LumenException.Usage($"the LRP rule {rule} needs a layer with weights (convolution or linear); assign Norm or Pass to layers without parameters");
}
