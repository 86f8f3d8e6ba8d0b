using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Zennit's <c>Norm</c>: the ε-rule for layers without parameters (average pooling, residual sums), ε = 1e-6 as a
/// pure stabiliser: R_i = x_i Σ_j (∂z_j/∂x_i) R_j / (z_j + ε·sign(z_j)). Relevance is split in proportion to each
/// input's contribution to the output.
/// </summary>
public sealed class Norm : ILrpRule
{
    /// <summary>Creates the rule.</summary>
    /// <param name="epsilon">The stabiliser (Zennit's fixed 1e-6; smaller values only for conservation checks).</param>
    public Norm(double epsilon = Stabilizer.DefaultEpsilon)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw LumenException.Usage($"epsilon must be a finite number >= 0, got {epsilon}");
        Epsilon = epsilon;
    }

    /// <summary>The stabiliser ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Description => Epsilon == Stabilizer.DefaultEpsilon ? "norm" : FormattableString.Invariant($"norm({Epsilon:G3})");

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters) =>
        new[] { new RuleTerm(input, parameters.Weight, parameters.Bias) };

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs) =>
        new Tensor?[] { Stabilizer.Stabilize(outputs[0], Epsilon).reciprocal() };
}
