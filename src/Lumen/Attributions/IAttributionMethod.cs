using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions;

/// <summary>An attribution method: explains, for a batch of images, which input elements drove a target score.</summary>
public interface IAttributionMethod
{
    /// <summary>The method's command-line name, e.g. <c>saliency-abs</c>.</summary>
    string Name { get; }

    /// <summary>The settings this instance runs with, by name, as text (recorded in every result).</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>
    /// Explains <paramref name="target"/> for every image of <paramref name="input"/> [N, C, H, W] (model-ready,
    /// preprocessed). The caller owns the returned attribution.
    /// </summary>
    Attribution Attribute(Tensor input, Target target);
}
