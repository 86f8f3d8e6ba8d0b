using System.Globalization;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-αβ (Bach et al. 2015; Zennit's <c>AlphaBeta</c>), with α − β = 1: z_α = x⁺w⁺ + x⁻w⁻ + b⁺,
/// z_β = x⁺w⁻ + x⁻w⁺ + b⁻, R = α[x⁺(w⁺ R/z_α) + x⁻(w⁻ R/z_α)] − β[x⁺(w⁻ R/z_β) + x⁻(w⁺ R/z_β)].
/// </summary>
public sealed class AlphaBeta : ILrpRule
{
    /// <summary>Creates the rule; α and β must be non-negative with α − β = 1.</summary>
    public AlphaBeta(double alpha = 2, double beta = 1)
    {
        if (!(alpha >= 0) || !(beta >= 0) || Math.Abs(alpha - beta - 1) > 1e-12)
            throw LumenException.Usage($"AlphaBeta needs alpha >= 0, beta >= 0 and alpha - beta = 1, got alpha={alpha}, beta={beta}");
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>α2β1: the usual choice for convolutions.</summary>
    public static AlphaBeta Alpha2Beta1 => new(2, 1);

    /// <summary>α1β0: only positive contributions (equals <see cref="ZPlus"/>).</summary>
    public static AlphaBeta Alpha1Beta0 => new(1, 0);

    /// <summary>The weight of positive contributions.</summary>
    public double Alpha { get; }

    /// <summary>The weight of negative contributions.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public string Description => string.Create(CultureInfo.InvariantCulture, $"alpha{Alpha:G3}beta{Beta:G3}");

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters)
    {
        Tensor weight = parameters.RequireWeight("AlphaBeta");
        Tensor positiveInput = input.clamp_min(0);
        Tensor negativeInput = input.clamp_max(0);
        Tensor positiveWeight = weight.clamp_min(0);
        Tensor negativeWeight = weight.clamp_max(0);
        return new[]
        {
            new RuleTerm(positiveInput, positiveWeight, parameters.Bias?.clamp_min(0)),
            new RuleTerm(negativeInput, negativeWeight, null),
            new RuleTerm(positiveInput, negativeWeight, parameters.Bias?.clamp_max(0)),
            new RuleTerm(negativeInput, positiveWeight, null),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs)
    {
        Tensor alpha = Stabilizer.Stabilize(outputs[0] + outputs[1]).reciprocal() * Alpha;
        Tensor? beta = Beta == 0 ? null : Stabilizer.Stabilize(outputs[2] + outputs[3]).reciprocal() * -Beta;
        return new[] { alpha, alpha, beta, beta };
    }
}
