using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>How <see cref="Saliency"/> turns the input gradient into relevance.</summary>
public enum SaliencyMode
{
    /// <summary>The signed gradient d f / d x.</summary>
    Signed,

    /// <summary>|d f / d x| (Captum's default).</summary>
    Absolute,

    /// <summary>(d f / d x)^2, the sensitivity analysis of Montavon, Samek and Müller 2018 ("Methods for interpreting and understanding deep neural networks", eq. R_i = (∂f/∂x_i)²), after Simonyan et al. 2014.</summary>
    Squared,
}

/// <summary>
/// Gradient saliency (Simonyan et al. 2014): the gradient of the target score with respect to each input element,
/// signed, absolute or squared. One forward and one backward pass for the whole batch.
/// </summary>
public sealed class Saliency : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="model"/>.</summary>
    public Saliency(ExplainableModel model, SaliencyMode mode = SaliencyMode.Absolute)
    {
        this.model = model;
        Mode = mode;
    }

    /// <summary>The rule that turns the gradient into relevance.</summary>
    public SaliencyMode Mode { get; }

    /// <inheritdoc />
    public string Name => Mode switch
    {
        SaliencyMode.Signed => "saliency",
        SaliencyMode.Absolute => "saliency-abs",
        _ => "saliency-squared",
    };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["mode"] = Mode.ToString().ToLowerInvariant() };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var (gradient, targets, scores) = InputGradient.Compute(model, input, target);
        Tensor values = Mode switch
        {
            SaliencyMode.Signed => gradient,
            SaliencyMode.Absolute => gradient.abs(),
            _ => gradient.square(),
        };
        return new Attribution(values, Name, targets, scores, Settings);
    }
}
