using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// DeepLift SHAP (Lundberg and Lee 2017, "A Unified Approach to Interpreting Model Predictions"), as Captum's
/// <c>DeepLiftShap</c> with the chain rule applied correctly: <see cref="DeepLift"/> of every image against every
/// reference of a set (for example a sample of training images), averaged over the references. Σ r = f(x) − mean f(b_j)
/// exactly; each result carries the error per image under <c>delta</c>.
/// </summary>
public sealed class DeepLiftShap : IAttributionMethod, IDisposable
{
    private readonly ExplainableModel model;
    private readonly Tensor references;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="references">The references [B, C, H, W] (copied; the caller keeps ownership).</param>
    /// <param name="description">How the references are named in the settings, e.g. their file.</param>
    /// <param name="internalBatchSize">At most this many model inputs (input and reference count as two) per pass.</param>
    public DeepLiftShap(ExplainableModel model, Tensor references, string description = "custom", int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (internalBatchSize <= 1) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected at least 2 (an input and its reference)");
        bool fits = references.dim() == 4 && references.shape[0] > 0 && references.shape.Skip(1).SequenceEqual(model.InputShape);
        if (!fits)
            throw LumenException.Usage($"baselines '{description}' have shape {MessageText.Shape(references.shape)}: expected [B, {string.Join(", ", model.InputShape)}] for {model.Name}");
        this.model = model;
        this.references = references.to_type(ScalarType.Float32).to(model.Device.Torch).detach().clone().DetachFromDisposeScope();
        Description = description;
        InternalBatchSize = internalBatchSize;
        DeepLiftLayers.NonLinear(model, Name);
    }

    /// <summary>How the references are named in the settings.</summary>
    public string Description { get; }

    /// <summary>The number of references.</summary>
    public int ReferenceCount => (int)references.shape[0];

    /// <summary>The largest number of model inputs in one forward and backward pass.</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public string Name => "deeplift-shap";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["rule"] = "rescale",
        ["baselines"] = $"{Description} ({ReferenceCount})",
        ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        int images = (int)input.shape[0];
        int count = ReferenceCount;
        // Pairs reference-major: pair j * N + n is image n against reference j.
        Tensor pairedInputs = input.repeat(count, 1, 1, 1);
        Tensor pairedReferences = references.repeat_interleave(images, dim: 0);
        var imageOfPair = Enumerable.Range(0, count * images).Select(p => p % images).ToArray();
        var (pairs, referenceScores) = RescaleAttribution.Compute(model, pairedInputs, pairedReferences, resolved, imageOfPair, Name, InternalBatchSize);
        Tensor attributions = pairs.reshape(new long[] { count, images }.Concat(input.shape.Skip(1)).ToArray()).mean(new long[] { 0 });
        Tensor meanReferenceScores = referenceScores.reshape(count, images).mean(new long[] { 0 });
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = Completeness.Delta(attributions, resolved.Scores, meanReferenceScores) };
        return new Attribution(attributions, Name, resolved.Classes, resolved.Scores, Settings, extras: extras);
    }

    /// <summary>Frees the references.</summary>
    public void Dispose() => references.Dispose();

    /// <summary>Reads the references from a .npy file [B, C, H, W] (or [C, H, W] for one).</summary>
    public static DeepLiftShap FromFile(ExplainableModel model, string path, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        using var values = ReferenceSet.Read(path, "baselines");
        return new DeepLiftShap(model, values, path, internalBatchSize);
    }
}
