using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>
/// A concept activation vector (Kim et al. 2018): the unit normal of a linear classifier that separates a layer's
/// activations for concept images from those for other images, pointing toward the concept.
/// </summary>
/// <param name="Direction">The unit vector, float64 [D] (owned: dispose it).</param>
/// <param name="Accuracy">The classifier's accuracy on the held-out share of both sets.</param>
public sealed record ConceptActivationVector(Tensor Direction, double Accuracy) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Direction.Dispose();
}
