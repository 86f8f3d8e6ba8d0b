using System.Globalization;
using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// Integrated Gradients (Sundararajan, Taly and Yan 2017, "Axiomatic Attribution for Deep Networks"):
/// r = (x − x′) · Σ_i w_i ∂f/∂x (x′ + α_i (x − x′)), the path integral of the gradient from a baseline x′ to the input,
/// as Captum's <c>IntegratedGradients</c> computes it. Path points of all images run through the model together,
/// <see cref="InternalBatchSize"/> inputs per forward and backward pass. Several baselines give the mean of their
/// attributions. Each result carries the completeness error per image under <c>delta</c>:
/// Σ r − (f(x) − mean over baselines of f(x′)).
/// </summary>
public sealed class IntegratedGradients : IAttributionMethod
{
    /// <summary>Captum's default number of steps.</summary>
    public const int DefaultSteps = PathSettings.DefaultSteps;

    /// <summary>The default number of path points per forward and backward pass.</summary>
    public const int DefaultInternalBatchSize = PathSettings.DefaultInternalBatchSize;

    private readonly ExplainableModel model;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="steps">The number of points on the path.</param>
    /// <param name="method">Where the points lie and how they are weighted.</param>
    /// <param name="baselines">The baselines, averaged; null or empty for the zero baseline.</param>
    /// <param name="internalBatchSize">How many model inputs (path points x images) one forward pass takes at most; at least one path point of all images runs at once.</param>
    public IntegratedGradients(ExplainableModel model, int steps = DefaultSteps, IntegrationMethod method = IntegrationMethod.GaussLegendre,
        IReadOnlyList<Baseline>? baselines = null, int internalBatchSize = DefaultInternalBatchSize)
    {
        if (internalBatchSize <= 0) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected a positive number");
        this.model = model;
        Points = IntegrationPoints.For(method, steps);
        Steps = steps;
        Method = method;
        Baselines = baselines is { Count: > 0 } ? baselines : new[] { Baseline.Zero };
        InternalBatchSize = internalBatchSize;
    }

    /// <summary>The number of points on the path.</summary>
    public int Steps { get; }

    /// <summary>The integration rule.</summary>
    public IntegrationMethod Method { get; }

    /// <summary>The path points and weights.</summary>
    public IntegrationPoints Points { get; }

    /// <summary>The baselines whose attributions are averaged.</summary>
    public IReadOnlyList<Baseline> Baselines { get; }

    /// <summary>The largest number of model inputs in one forward and backward pass.</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public string Name => "integrated-gradients";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["steps"] = Steps.ToString(CultureInfo.InvariantCulture),
        ["method"] = IntegrationPoints.NameOf(Method),
        ["baseline"] = string.Join(",", Baselines.Select(b => b.Description)),
        ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        Tensor total = torch.zeros_like(input);
        Tensor baselineScores = torch.zeros(input.shape[0], device: input.device);
        foreach (Baseline baseline in Baselines)
        {
            Tensor start = baseline.For(input);
            total.add_(PathIntegral(input, start, resolved));
            baselineScores.add_(Score(start, resolved));
        }
        Tensor attributions = total / Baselines.Count;
        Tensor expected = torch.tensor(resolved.Scores, device: input.device) - baselineScores / Baselines.Count;
        Tensor delta = attributions.flatten(1).to_type(ScalarType.Float64).sum(dim: 1) - expected.to_type(ScalarType.Float64);
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = delta.cpu().data<double>().ToArray() };
        return new Attribution(attributions, Name, resolved.Classes, resolved.Scores, Settings, extras: extras);
    }

    /// <summary>(x − x′) · Σ_i w_i ∇f(x′ + α_i (x − x′)) for every image, path points batched.</summary>
    private Tensor PathIntegral(Tensor input, Tensor start, ResolvedTarget resolved)
    {
        using var scope = NewDisposeScope();
        long images = input.shape[0];
        int stepsPerChunk = GradientMemory.CopiesPerPass(model, InternalBatchSize, images, Steps);
        Tensor difference = input - start;
        Tensor integral = torch.zeros_like(input);
        for (int first = 0; first < Steps; first += stepsPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(stepsPerChunk, Steps - first);
            var shape = new long[] { count, 1, 1, 1, 1 };
            Tensor alphas = torch.tensor(Points.Alphas.Skip(first).Take(count).Select(a => (float)a).ToArray(), device: input.device).reshape(shape);
            Tensor weights = torch.tensor(Points.Weights.Skip(first).Take(count).Select(w => (float)w).ToArray(), device: input.device).reshape(shape);
            Tensor points = (start.unsqueeze(0) + alphas * difference.unsqueeze(0)).reshape(model.InputShapeWithBatch(count * images));
            Tensor gradient = InputGradient.Compute(model, points, resolved.Repeated(count)).Gradient;
            integral.add_((gradient.reshape(count, images, -1, input.shape[2], input.shape[3]) * weights).sum(dim: 0));
        }
        return (integral * difference).MoveToOuterDisposeScope();
    }

    /// <summary>The explained score of each image of <paramref name="batch"/> for the resolved classes.</summary>
    private Tensor Score(Tensor batch, ResolvedTarget resolved)
    {
        using var scope = NewDisposeScope();
        Tensor logits = model.Predict(batch);
        return resolved.Repeated(1).Score(logits).MoveToOuterDisposeScope();
    }
}
