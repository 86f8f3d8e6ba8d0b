using Lumen.Attributions.DeepLift;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>
/// Layer conductance (Dhamdhere, Sundararajan and Yan 2018, "How Important Is a Neuron?"), as Captum's
/// <c>LayerConductance</c>: along the input-space path x_k = x′ + α_k (x − x′) through steps + 1 points of the
/// integration rule, r = Σ_{k&lt;steps} ∂f/∂L (x_k) · (L(x_{k+1}) − L(x_k)), the gradient at each point times the change of
/// the layer to the next (Captum takes the rule's points and not its weights). The layer's shape [N, C, h, w]; each
/// result carries Σ r − (f(x) − f(x′)) per image under <c>delta</c>.
/// </summary>
public sealed class LayerConductance : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method at <paramref name="layer"/>.</summary>
    public LayerConductance(ExplainableModel model, string layer, int steps = PathSettings.DefaultSteps,
        IntegrationMethod method = IntegrationMethod.GaussLegendre, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        this.model = model;
        Layer = model.LayerName(layer);
        Steps = steps;
        Path = new PathIntegral(method, steps + 1, baseline, internalBatchSize);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The number of steps (the path has one point more).</summary>
    public int Steps { get; }

    /// <summary>The path integrated along: points, rule, start and batch size.</summary>
    public PathIntegral Path { get; }

    /// <inheritdoc />
    public string Name => "layer-conductance";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => Path.Settings(new("layer", Layer), Steps);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        long images = input.shape[0];
        Tensor start = Path.Baseline.For(input);
        Tensor? sum = null, previousGradient = null, previousActivation = null;
        foreach (var (first, count) in PathChunks.Of(model, Path.InternalBatchSize, images, Path.Points.Alphas.Length))
        {
            using var chunkScope = NewDisposeScope();
            Tensor points = PathBatch.Points(start, input, Path.Points.Alphas.Skip(first).Take(count));
            var (activation, gradient) = LayerPass.GradientAt(model, Layer, Name, points, resolved.Repeated(count));
            for (int k = 0; k < count; k++)
            {
                Tensor current = activation.narrow(0, k * images, images);
                if (previousGradient is not null)
                {
                    Tensor term = previousGradient * (current - previousActivation!);
                    sum = sum is null ? term.MoveToOuterDisposeScope() : sum.add_(term);
                }
                previousGradient?.Dispose();
                previousActivation?.Dispose();
                previousGradient = gradient.narrow(0, k * images, images).clone().MoveToOuterDisposeScope();
                previousActivation = current.clone().MoveToOuterDisposeScope();
            }
        }
        Tensor attributions = sum!;
        Tensor baselineScores = resolved.Repeated(1).Score(model.Predict(start));
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = Completeness.Delta(attributions, resolved.Scores, baselineScores) };
        return new Attribution(attributions, Name, resolved.Classes, resolved.Scores, Settings, Layer, extras);
    }
}
