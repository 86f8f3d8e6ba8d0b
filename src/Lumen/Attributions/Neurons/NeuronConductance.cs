using Lumen.Attributions.Gradients;
using Lumen.Attributions.Layers;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>
/// Neuron conductance (Dhamdhere, Sundararajan and Yan 2018, "How Important Is a Neuron?"), as Captum's
/// <c>NeuronConductance</c>: how much of the target score flows from each input element through one neuron y,
/// r = (x − x′) · Σ_k w_k (∂f/∂y)(∂y/∂x) at x′ + α_k (x − x′). Captum's default rule for this class is
/// <c>riemann-trapezoid</c> (weights adding up to 1 − 1/steps), which is Lumen's default here too.
/// </summary>
public sealed class NeuronConductance : IAttributionMethod
{
    /// <summary>Captum's default integration rule for neuron conductance.</summary>
    public const IntegrationMethod DefaultMethod = IntegrationMethod.RiemannTrapezoid;

    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="neuron"/>.</summary>
    public NeuronConductance(ExplainableModel model, Neuron neuron, int steps = PathSettings.DefaultSteps,
        IntegrationMethod method = DefaultMethod, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        this.model = model;
        Neuron = NeuronPass.Check(model, neuron);
        Path = new PathIntegral(method, steps, baseline, internalBatchSize);
    }

    /// <summary>The neuron the score flows through.</summary>
    public Neuron Neuron { get; }

    /// <summary>The path integrated along: points, rule, start and batch size.</summary>
    public PathIntegral Path { get; }

    /// <inheritdoc />
    public string Name => "neuron-conductance";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => Path.Settings(new("neuron", Neuron.Description), Path.Points.Alphas.Length);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        long images = input.shape[0];
        Tensor start = Path.Baseline.For(input);
        Tensor integral = torch.zeros_like(input);
        foreach (var (first, count) in PathChunks.Of(model, Path.InternalBatchSize, images, Path.Points.Alphas.Length))
        {
            using var chunkScope = NewDisposeScope();
            Tensor points = PathBatch.Points(start, input, Path.Points.Alphas.Skip(first).Take(count));
            Tensor gradient = NeuronPass.GradientThroughNeuron(model, Neuron, points, resolved.Repeated(count));
            integral.add_(PathBatch.WeightedSum(gradient, Path.Points.Weights.Skip(first).Take(count), images));
        }
        return new Attribution((input - start) * integral, Name, resolved.Classes, resolved.Scores, Settings);
    }
}
