using System.Globalization;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-ε (Bach et al. 2015): R_i = x_i Σ_j w_ij R_j / (z_j + ε·sign(z_j)), z_j = Σ_i x_i w_ij + b_j.
/// ε = 0 gives LRP-0. Zennit's <c>Epsilon</c>.
/// </summary>
public sealed class Epsilon : ILrpRule
{
    /// <summary>Creates the rule.</summary>
    /// <param name="epsilon">The stabiliser ε (non-negative; Zennit's default 1e-6, Captum's 1e-9).</param>
    public Epsilon(double epsilon = Stabilizer.DefaultEpsilon)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw LumenException.Usage($"epsilon must be a finite number >= 0, got {epsilon}");
        Value = epsilon;
    }

    /// <summary>The stabiliser ε.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public string Description => $"epsilon({Value.ToString("G3", CultureInfo.InvariantCulture)})";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters) =>
        new[] { new RuleTerm(input, parameters.Weight, parameters.Bias) };

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs) =>
        new Tensor?[] { Stabilizer.Stabilize(outputs[0], Value).reciprocal() };
}
