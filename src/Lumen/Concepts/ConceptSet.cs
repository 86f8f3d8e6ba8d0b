using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>A named set of model-ready images [N, C, H, W] that show a concept (borrowed: the caller disposes it).</summary>
/// <param name="Name">The concept's name.</param>
/// <param name="Inputs">The images.</param>
public sealed record ConceptSet(string Name, Tensor Inputs);
