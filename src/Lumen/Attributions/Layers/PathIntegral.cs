using System.Globalization;
using Lumen.Attributions.Gradients;

namespace Lumen.Attributions.Layers;

/// <summary>
/// The straight-line path the layer and neuron path methods integrate along (layer integrated gradients, layer
/// conductance, internal influence, neuron integrated gradients and neuron conductance): the points and weights of the
/// integration rule, the path's start, and how many model inputs run in one pass; recorded in the same four settings
/// by every such method.
/// </summary>
public sealed class PathIntegral
{
    /// <summary>Creates the path of <paramref name="points"/> points placed by <paramref name="method"/>.</summary>
    public PathIntegral(IntegrationMethod method, int points, Baseline? baseline, int internalBatchSize)
    {
        Points = IntegrationPoints.For(method, points);
        Method = method;
        Baseline = baseline ?? Baseline.Zero;
        InternalBatchSize = internalBatchSize;
    }

    /// <summary>The path points and weights.</summary>
    public IntegrationPoints Points { get; }

    /// <summary>The integration rule that places the points.</summary>
    public IntegrationMethod Method { get; }

    /// <summary>The path's start.</summary>
    public Baseline Baseline { get; }

    /// <summary>The largest number of model inputs in one forward and backward pass.</summary>
    public int InternalBatchSize { get; }

    /// <summary>The settings a path method records: its <paramref name="what"/> entry (layer or neuron), then steps, rule, baseline and batch size.</summary>
    internal Dictionary<string, string> Settings(KeyValuePair<string, string> what, int steps) => new()
    {
        [what.Key] = what.Value,
        ["steps"] = steps.ToString(CultureInfo.InvariantCulture),
        ["method"] = IntegrationPoints.NameOf(Method),
        ["baseline"] = Baseline.Description,
        ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
    };
}
