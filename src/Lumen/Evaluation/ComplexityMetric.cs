using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>The complexity metrics on each image's pixel relevance: <c>sparseness</c> (Gini index, higher is sparser)
/// and <c>complexity</c> (entropy, lower is simpler). See <see cref="MapComplexity"/>.</summary>
public sealed class ComplexityMetric : IExplanationMetric
{
    private readonly Func<float[], double> measure;

    private ComplexityMetric(string name, Func<float[], double> measure)
    {
        Name = name;
        this.measure = measure;
    }

    /// <summary>The Gini index of the absolute map (Chalasani et al. 2020).</summary>
    public static ComplexityMetric Sparseness { get; } = new("sparseness", map => MapComplexity.Sparseness(map));

    /// <summary>The entropy of the normalised absolute map (Bhatt et al. 2020).</summary>
    public static ComplexityMetric Complexity { get; } = new("complexity", map => MapComplexity.Complexity(map));

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Complexity;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        Tensor relevance = context.PixelRelevance();
        var values = new List<double>();
        for (int image = 0; image < relevance.shape[0]; image++)
            values.Add(measure(relevance[image].reshape(-1).cpu().data<float>().ToArray()));
        return new[] { new MetricValues(Name, values) };
    }
}
