using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>
/// Internal influence (Leino et al. 2018, "Influence-Directed Explanations for Deep Convolutional Networks"), as
/// Captum's <c>InternalInfluence</c>: the gradient of the target score with respect to a layer L, averaged along the
/// straight input-space path from the baseline x′ to x, Σ_k w_k ∂f/∂L (x′ + α_k (x − x′)); not multiplied by anything.
/// The layer's shape [N, C, h, w].
/// </summary>
public sealed class InternalInfluence : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method at <paramref name="layer"/>.</summary>
    public InternalInfluence(ExplainableModel model, string layer, int steps = PathSettings.DefaultSteps,
        IntegrationMethod method = IntegrationMethod.GaussLegendre, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        this.model = model;
        Layer = model.LayerName(layer);
        Path = new PathIntegral(method, steps, baseline, internalBatchSize);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The path integrated along: points, rule, start and batch size.</summary>
    public PathIntegral Path { get; }

    /// <inheritdoc />
    public string Name => "internal-influence";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => Path.Settings(new("layer", Layer), Path.Points.Alphas.Length);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        long images = input.shape[0];
        Tensor start = Path.Baseline.For(input);
        Tensor? sum = null;
        foreach (var (first, count) in PathChunks.Of(model, Path.InternalBatchSize, images, Path.Points.Alphas.Length))
        {
            using var chunkScope = NewDisposeScope();
            Tensor points = PathBatch.Points(start, input, Path.Points.Alphas.Skip(first).Take(count));
            var (_, gradient) = LayerPass.GradientAt(model, Layer, Name, points, resolved.Repeated(count));
            Tensor part = PathBatch.WeightedSum(gradient, Path.Points.Weights.Skip(first).Take(count), images);
            sum = sum is null ? part.MoveToOuterDisposeScope() : sum.add_(part);
        }
        return new Attribution(sum!, Name, resolved.Classes, resolved.Scores, Settings, Layer);
    }
}
