using System.Globalization;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// The generalised LRP-γ (Montavon et al. 2019; Zennit's <c>Gamma</c>): where the layer's output z is positive,
/// relevance follows the contributions x⁺(w + γw⁺) + x⁻(w + γw⁻) (bias b + γb⁺); where z is negative, the mirrored
/// x⁺(w + γw⁻) + x⁻(w + γw⁺) (bias b + γb⁻); each normalised by its own stabilised sum.
/// </summary>
public sealed class Gamma : ILrpRule
{
    /// <summary>Creates the rule.</summary>
    /// <param name="gamma">How much positive contributions are favoured (≥ 0; Zennit's default 0.25).</param>
    public Gamma(double gamma = 0.25)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw LumenException.Usage($"gamma must be a finite number >= 0, got {gamma}");
        Value = gamma;
    }

    /// <summary>The γ.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public string Description => $"gamma({Value.ToString("G3", CultureInfo.InvariantCulture)})";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters)
    {
        Tensor weight = parameters.RequireWeight("Gamma");
        Tensor? bias = parameters.Bias;
        Tensor positiveInput = input.clamp_min(0);
        Tensor negativeInput = input.clamp_max(0);
        Tensor favourPositive = weight + weight.clamp_min(0) * Value;
        Tensor favourNegative = weight + weight.clamp_max(0) * Value;
        return new[]
        {
            new RuleTerm(positiveInput, favourPositive, bias is null ? null : bias + bias.clamp_min(0) * Value),
            new RuleTerm(negativeInput, favourNegative, null),
            new RuleTerm(positiveInput, favourNegative, bias is null ? null : bias + bias.clamp_max(0) * Value),
            new RuleTerm(negativeInput, favourPositive, null),
            new RuleTerm(input, weight, bias),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs)
    {
        Tensor z = outputs[4];
        Tensor positive = z.gt(0).to_type(z.dtype) * Stabilizer.Stabilize(outputs[0] + outputs[1]).reciprocal();
        Tensor negative = z.lt(0).to_type(z.dtype) * Stabilizer.Stabilize(outputs[2] + outputs[3]).reciprocal();
        return new Tensor?[] { positive, positive, negative, negative, null };
    }
}
