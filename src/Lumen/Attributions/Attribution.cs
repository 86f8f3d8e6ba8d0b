using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions;

/// <summary>
/// The result of one attribution call: a tensor of relevance values that this object owns, with the method,
/// the explained class of each image and the settings used. Pixel methods give the input's shape [N, C, H, W];
/// layer methods (the CAM family) give the layer's resolution [N, 1, h, w] and name the layer in <see cref="Layer"/>.
/// </summary>
public sealed class Attribution : IDisposable
{
    /// <summary>Takes ownership of <paramref name="values"/> (it is detached from any dispose scope).</summary>
    /// <param name="values">The relevance values, one map per image.</param>
    /// <param name="method">The method's command-line name.</param>
    /// <param name="targets">The class explained for each image.</param>
    /// <param name="targetScores">The explained score of each image.</param>
    /// <param name="settings">The settings the method ran with.</param>
    /// <param name="layer">The layer whose resolution the values have, or null for the input's.</param>
    /// <param name="extras">Named extra results with one value per image (e.g. LRP's relevance sums), or null for none.</param>
    public Attribution(Tensor values, string method, IReadOnlyList<long> targets, IReadOnlyList<float> targetScores,
        IReadOnlyDictionary<string, string> settings, string? layer = null, IReadOnlyDictionary<string, IReadOnlyList<double>>? extras = null)
    {
        if (extras is not null && extras.Any(extra => extra.Value.Count != targets.Count))
            throw new ArgumentException($"every extra needs one value for each of {targets.Count} images", nameof(extras));
        if (values.dim() < 2 || values.shape[0] != targets.Count)
            throw new ArgumentException($"values [{string.Join(", ", values.shape)}] do not hold one map for each of {targets.Count} images", nameof(values));
        Values = values.detach().DetachFromDisposeScope();
        Method = method;
        Targets = targets;
        TargetScores = targetScores;
        Settings = settings;
        Layer = layer;
        Extras = extras ?? new Dictionary<string, IReadOnlyList<double>>();
    }

    /// <summary>The relevance values: [N, C, H, W] for pixel methods, [N, 1, h, w] for layer methods.</summary>
    public Tensor Values { get; }

    /// <summary>The method's name as used on the command line, e.g. <c>gradcam</c>.</summary>
    public string Method { get; }

    /// <summary>The class explained for each image (-1 where the target was a function of the output).</summary>
    public IReadOnlyList<long> Targets { get; }

    /// <summary>The explained score (the target logit) of each image in the forward pass that was explained.</summary>
    public IReadOnlyList<float> TargetScores { get; }

    /// <summary>The settings the method ran with, by name, as text.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The layer whose resolution the values have, or null for maps at the input's resolution.</summary>
    public string? Layer { get; }

    /// <summary>
    /// Named extra results with one value per image: LRP's <c>relevance_output</c> and <c>relevance_input</c>
    /// (the conservation report), Integrated Gradients' completeness error <c>delta</c>; empty for most methods.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Extras { get; }

    /// <summary>The number of images.</summary>
    public int Count => Targets.Count;

    /// <summary>
    /// The index of the first image whose values are not all finite (NaN or infinity), or -1 when all are finite.
    /// </summary>
    public int FirstNonFiniteImage()
    {
        using var scope = torch.NewDisposeScope();
        var finite = Values.isfinite().flatten(1).all(1).cpu().data<bool>().ToArray();
        return Array.IndexOf(finite, false);
    }

    /// <summary>Frees the values.</summary>
    public void Dispose() => Values.Dispose();
}
