using Lumen.Attributions.Gradients;
using Lumen.Attributions.Layers;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>
/// Neuron Integrated Gradients, as Captum's <c>NeuronIntegratedGradients</c>: Integrated Gradients of one neuron y
/// instead of a class score, r = (x − x′) · Σ_k w_k ∂y/∂x (x′ + α_k (x − x′)). Each result carries the completeness
/// error Σ r − (y(x) − y(x′)) per image under <c>delta</c>; targets are -1 and scores the neuron's values.
/// </summary>
public sealed class NeuronIntegratedGradients : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the method for <paramref name="neuron"/>.</summary>
    public NeuronIntegratedGradients(ExplainableModel model, Neuron neuron, int steps = PathSettings.DefaultSteps,
        IntegrationMethod method = IntegrationMethod.GaussLegendre, Baseline? baseline = null, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        this.model = model;
        Neuron = NeuronPass.Check(model, neuron);
        Path = new PathIntegral(method, steps, baseline, internalBatchSize);
    }

    /// <summary>The explained neuron.</summary>
    public Neuron Neuron { get; }

    /// <summary>The path integrated along: points, rule, start and batch size.</summary>
    public PathIntegral Path { get; }

    /// <inheritdoc />
    public string Name => "neuron-integrated-gradients";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => Path.Settings(new("neuron", Neuron.Description), Path.Points.Alphas.Length);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        long images = input.shape[0];
        Tensor start = Path.Baseline.For(input);
        Tensor integral = torch.zeros_like(input);
        foreach (var (first, count) in PathChunks.Of(model, Path.InternalBatchSize, images, Path.Points.Alphas.Length))
        {
            using var chunkScope = NewDisposeScope();
            Tensor points = PathBatch.Points(start, input, Path.Points.Alphas.Skip(first).Take(count));
            var (gradient, _) = NeuronPass.InputGradient(model, Neuron, points);
            integral.add_(PathBatch.WeightedSum(gradient, Path.Points.Weights.Skip(first).Take(count), images));
        }
        Tensor attributions = (input - start) * integral;
        Tensor values = NeuronPass.Values(model, Neuron, input);
        Tensor startValues = NeuronPass.Values(model, Neuron, start);
        Tensor delta = attributions.flatten(1).to_type(ScalarType.Float64).sum(dim: 1) - (values - startValues).to_type(ScalarType.Float64);
        var extras = new Dictionary<string, IReadOnlyList<double>> { ["delta"] = delta.cpu().data<double>().ToArray() };
        return NeuronResult.Create(attributions, Name, values, Settings, extras);
    }
}
