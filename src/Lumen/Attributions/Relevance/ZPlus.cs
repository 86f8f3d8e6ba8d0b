using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-z⁺ (Zennit's <c>ZPlus</c>, = α1β0 allowing negative inputs): z = x⁺w⁺ + x⁻w⁻ + b⁺,
/// R = x⁺ (w⁺ R/z) + x⁻ (w⁻ R/z). Only positive contributions carry relevance, so relevance stays non-negative.
/// </summary>
public sealed class ZPlus : ILrpRule
{
    /// <inheritdoc />
    public string Description => "zplus";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters)
    {
        Tensor weight = parameters.RequireWeight("ZPlus");
        return new[]
        {
            new RuleTerm(input.clamp_min(0), weight.clamp_min(0), parameters.Bias?.clamp_min(0)),
            new RuleTerm(input.clamp_max(0), weight.clamp_max(0), null),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs)
    {
        Tensor factor = Stabilizer.Stabilize(outputs[0] + outputs[1]).reciprocal();
        return new Tensor?[] { factor, factor };
    }
}
