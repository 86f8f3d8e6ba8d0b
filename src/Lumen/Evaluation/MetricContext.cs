using Lumen.Attributions;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>What a metric gets: the model, the images, the fixed target, the method (buildable for another model, e.g.
/// a randomized copy), its attribution of the images, and the evaluation settings.</summary>
/// <param name="Model">The model the method explains.</param>
/// <param name="Input">Model-ready images [N, C, H, W].</param>
/// <param name="Target">The target, fixed to the classes resolved on the unmodified model and images.</param>
/// <param name="Method">Builds the evaluated method for a model.</param>
/// <param name="Attribution">The method's attribution of <paramref name="Input"/> on <paramref name="Model"/>.</param>
/// <param name="Settings">The evaluation settings.</param>
public sealed record MetricContext(
    ExplainableModel Model,
    Tensor Input,
    Target Target,
    Func<ExplainableModel, IAttributionMethod> Method,
    Attribution Attribution,
    EvaluationSettings Settings)
{
    /// <summary>The attribution as pixel relevance [N, H, W] (the caller disposes it).</summary>
    public Tensor PixelRelevance() => Evaluation.PixelRelevance.Of(Attribution, Input.shape[2], Input.shape[3]);
}
