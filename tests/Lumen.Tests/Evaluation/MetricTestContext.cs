using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

/// <summary>Runs one metric for one method as <c>lumen evaluate</c> does (target fixed on the unmodified model).</summary>
internal static class MetricTestContext
{
    public static Dictionary<string, IReadOnlyList<double>> Run(IExplanationMetric metric, ExplainableModel model, Tensor input, string method,
        EvaluationSettings settings, string? layer = "conv3", Target? target = null)
    {
        Target fixedTarget = ExplanationEvaluation.Fix(model, input, target ?? Target.Predicted);
        var descriptor = EvaluationMethods.Find(method);
        var options = new MethodOptions(layer);
        using var attribution = descriptor.Build(model, options).Attribute(input, fixedTarget);
        var context = new MetricContext(model, input, fixedTarget, m => descriptor.Build(m, options), attribution, settings);
        return metric.Evaluate(context).ToDictionary(v => v.Metric, v => v.Values);
    }

    /// <summary>The fmnist-cnn reference model and the four reference inputs.</summary>
    public static (ExplainableModel Model, Tensor Input) Reference()
    {
        var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        return (model, FaithfulnessTests.ReferenceImages().narrow(0, 0, 4));
    }
}
