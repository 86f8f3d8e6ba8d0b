using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// LRP-z^B (Montavon et al. 2017; Zennit's <c>ZBox</c>) for the input layer when inputs lie in a box [l, h]:
/// z = xw − l·w⁺ − h·w⁻ (the bias cancels), R = x(w R/z) − l(w⁺ R/z) − h(w⁻ R/z). The bounds are in the model's
/// (normalised) input space and may be tensors broadcast against one image, e.g. [C, 1, 1] per channel.
/// </summary>
public sealed class ZBox : ILrpRule
{
    private readonly Tensor low;
    private readonly Tensor high;

    /// <summary>Creates the rule with scalar bounds.</summary>
    public ZBox(double low, double high) : this(torch.tensor(low), torch.tensor(high))
    {
    }

    /// <summary>Creates the rule with bounds broadcastable to one image [C, H, W] (e.g. per channel [C, 1, 1]); the rule keeps copies.</summary>
    public ZBox(Tensor low, Tensor high)
    {
        this.low = low.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        this.high = high.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        using var noGrad = torch.no_grad();
        if (this.low.gt(this.high).any().item<bool>()) throw LumenException.Usage("ZBox needs low <= high everywhere; swap the bounds");
    }

    /// <inheritdoc />
    public string Description => low.numel() == 1 && high.numel() == 1
        ? FormattableString.Invariant($"zbox({low.item<float>():G3}, {high.item<float>():G3})")
        : "zbox(per-element bounds)";

    /// <inheritdoc />
    public IReadOnlyList<RuleTerm> Terms(Tensor input, LayerParameters parameters)
    {
        Tensor weight = parameters.RequireWeight("ZBox");
        Tensor? bias = parameters.Bias;
        Tensor lower = low.to(input.device).expand_as(input).contiguous();
        Tensor upper = high.to(input.device).expand_as(input).contiguous();
        return new[]
        {
            new RuleTerm(input, weight, bias),
            new RuleTerm(lower, weight.clamp_min(0), bias?.clamp_min(0)),
            new RuleTerm(upper, weight.clamp_max(0), bias?.clamp_max(0)),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor?> Factors(IReadOnlyList<Tensor> outputs)
    {
        Tensor factor = Stabilizer.Stabilize(outputs[0] - outputs[1] - outputs[2]).reciprocal();
        return new Tensor?[] { factor, -factor, -factor };
    }
}
