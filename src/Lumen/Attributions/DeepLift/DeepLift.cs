using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// DeepLift with the rescale rule (Shrikumar, Greenside and Kundaje 2017, "Learning Important Features Through
/// Propagating Activation Differences"), as Captum's <c>DeepLift</c> computes it with the chain rule applied
/// correctly: r = (x − x′) · m, where m is the gradient of the target score with every non-linear layer's local
/// derivative replaced by its multiplier Δout / Δin between the input and the reference x′ (element-wise
/// activations; max pooling by Captum's rule). Linear and affine layers keep their gradient; other layers are refused.
/// Completeness holds exactly: Σ r = f(x) − f(x′); each result carries the error per image under <c>delta</c>.
/// </summary>
public sealed class DeepLift : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="baseline">The reference input x′; null for zeros.</param>
    /// <param name="internalBatchSize">At most this many model inputs (input and reference count as two) per pass.</param>
    public DeepLift(ExplainableModel model, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        if (internalBatchSize <= 1) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected at least 2 (an input and its reference)");
        this.model = model;
        Baseline = baseline ?? Baseline.Zero;
        InternalBatchSize = internalBatchSize;
        DeepLiftLayers.NonLinear(model, Name);
    }

    /// <summary>The reference input.</summary>
    public Baseline Baseline { get; }

    /// <summary>The largest number of model inputs in one forward and backward pass.</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public string Name => "deeplift";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["rule"] = "rescale",
        ["baseline"] = Baseline.Description,
        ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        Tensor reference = Baseline.For(input);
        var images = Enumerable.Range(0, (int)input.shape[0]).ToArray();
        var (attributions, referenceScores) = RescaleAttribution.Compute(model, input, reference, resolved, images, Name, InternalBatchSize);
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = Completeness.Delta(attributions, resolved.Scores, referenceScores) };
        return new Attribution(attributions, Name, resolved.Classes, resolved.Scores, Settings, extras: extras);
    }
}
