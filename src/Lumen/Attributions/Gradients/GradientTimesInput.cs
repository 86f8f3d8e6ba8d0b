using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>Which gradient <see cref="GradientTimesInput"/> multiplies with the input.</summary>
public enum GradientTimesInputMode
{
    /// <summary>(d f / d x) * x, as Captum's InputXGradient.</summary>
    Gradient,

    /// <summary>(d f / d x)^2 * x, gradient × input (Shrikumar et al. 2016) built on the squared-gradient sensitivity of Montavon et al. 2018.</summary>
    SquaredGradient,
}

/// <summary>
/// Gradient x Input (Shrikumar et al. 2016): the input gradient multiplied element-wise with the input, so that
/// elements that are zero get no relevance. One forward and one backward pass for the whole batch.
/// </summary>
public sealed class GradientTimesInput : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="model"/>.</summary>
    public GradientTimesInput(ExplainableModel model, GradientTimesInputMode mode = GradientTimesInputMode.Gradient)
    {
        this.model = model;
        Mode = mode;
    }

    /// <summary>Which gradient is multiplied with the input.</summary>
    public GradientTimesInputMode Mode { get; }

    /// <inheritdoc />
    public string Name => Mode == GradientTimesInputMode.Gradient ? "gradient-x-input" : "gradient-squared-x-input";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["gradient"] = Mode == GradientTimesInputMode.Gradient ? "signed" : "squared",
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var (gradient, targets, scores) = InputGradient.Compute(model, input, target);
        Tensor factor = Mode == GradientTimesInputMode.Gradient ? gradient : gradient.square();
        return new Attribution(factor * input, Name, targets, scores, Settings);
    }
}
