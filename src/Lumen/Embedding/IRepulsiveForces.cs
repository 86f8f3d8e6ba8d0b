namespace Lumen.Embedding;

/// <summary>
/// The negative (repulsive) part of the t-SNE gradient for a 2-D embedding: for every point i the unnormalised force
/// Σ_j w_ij² (y_i − y_j) and the normalisation Z = Σ_{i≠j} w_ij, with the Student-t kernel w_ij = 1 / (1 + |y_i − y_j|²).
/// </summary>
public interface IRepulsiveForces
{
    /// <summary>Fills <paramref name="forces"/> ([N, 2] row-major) and returns Z.</summary>
    /// <param name="embedding">Coordinates [N, 2] row-major.</param>
    /// <param name="forces">Receives Σ_j w_ij² (y_i − y_j) per point; not yet divided by Z.</param>
    double Compute(double[] embedding, double[] forces);
}
