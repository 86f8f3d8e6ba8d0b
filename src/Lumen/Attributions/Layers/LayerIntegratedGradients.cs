using Lumen.Attributions.DeepLift;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>
/// Layer Integrated Gradients, as Captum's <c>LayerIntegratedGradients</c>: Integrated Gradients in the output space of a
/// layer L. The path runs from L(x′) (the layer's value for the baseline, which carries the biases, not zero) to L(x); the
/// network from L on is evaluated with L's output replaced by L(x′) + α_k (L(x) − L(x′)), and
/// r = (L(x) − L(x′)) · Σ_k w_k ∂f/∂L there. The layer's shape [N, C, h, w]; each result carries the completeness error
/// Σ r − (f(x) − f(x′)) per image under <c>delta</c>.
/// </summary>
public sealed class LayerIntegratedGradients : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method at <paramref name="layer"/>.</summary>
    public LayerIntegratedGradients(ExplainableModel model, string layer, int steps = PathSettings.DefaultSteps,
        IntegrationMethod method = IntegrationMethod.GaussLegendre, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        this.model = model;
        Layer = model.LayerName(layer);
        LayerPass.CheckReplaceable(model, Layer);
        Path = new PathIntegral(method, steps, baseline, internalBatchSize);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The path integrated along: points, rule, start and batch size.</summary>
    public PathIntegral Path { get; }

    /// <inheritdoc />
    public string Name => "layer-integrated-gradients";

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
        Tensor end = LayerPass.Activation(model, Layer, Name, input);
        Tensor origin = LayerPass.Activation(model, Layer, Name, start);
        Tensor integral = torch.zeros_like(end);
        foreach (var (first, count) in PathChunks.Of(model, Path.InternalBatchSize, images, Path.Points.Alphas.Length))
        {
            using var chunkScope = NewDisposeScope();
            Tensor replacement = PathBatch.Points(origin, end, Path.Points.Alphas.Skip(first).Take(count));
            var (gradient, _) = LayerPass.GradientWithOutput(model, Layer, input.repeat(count, 1, 1, 1), replacement, resolved.Repeated(count));
            integral.add_(PathBatch.WeightedSum(gradient, Path.Points.Weights.Skip(first).Take(count), images));
        }
        Tensor attributions = (end - origin) * integral;
        Tensor baselineScores = resolved.Repeated(1).Score(model.Predict(start));
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = Completeness.Delta(attributions, resolved.Scores, baselineScores) };
        return new Attribution(attributions, Name, resolved.Classes, resolved.Scores, Settings, Layer, extras);
    }
}
