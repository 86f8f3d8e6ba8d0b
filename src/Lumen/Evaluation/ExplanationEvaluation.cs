using Lumen.Attributions;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// One call that evaluates several methods with several metrics on a batch of images and returns the table
/// (method, image, metric, value). The target is resolved once on the unmodified model and images and then fixed,
/// so every method, metric and perturbed or randomized copy explains the same class.
/// </summary>
public static class ExplanationEvaluation
{
    /// <summary>Runs every metric on every method's attribution of <paramref name="input"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Model-ready images [N, C, H, W].</param>
    /// <param name="target">What to explain.</param>
    /// <param name="methods">The methods by name, each with a builder for a given model.</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="settings">The metrics' settings.</param>
    /// <param name="imageNames">A name per image.</param>
    /// <param name="onStep">Called with a description before each method's attribution and each metric, or null.</param>
    public static List<EvaluationRow> Run(ExplainableModel model, Tensor input, Target target,
        IReadOnlyList<(string Name, Func<ExplainableModel, IAttributionMethod> Build)> methods, IReadOnlyList<IExplanationMetric> metrics,
        EvaluationSettings settings, IReadOnlyList<string> imageNames, Action<string>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(imageNames);
        if (imageNames.Count != input.shape[0]) throw new ArgumentException($"{imageNames.Count} names for {input.shape[0]} images", nameof(imageNames));
        Target fixedTarget = Fix(model, input, target);
        var rows = new List<EvaluationRow>();
        foreach (var (name, build) in methods)
        {
            onStep?.Invoke(name);
            var attributions = MethodRunner.RunAll(new[] { build(model) }, input, fixedTarget, imageNames);
            using var attribution = attributions[0];
            var context = new MetricContext(model, input, fixedTarget, build, attribution, settings);
            foreach (var metric in metrics)
            {
                onStep?.Invoke($"{name}: {metric.Name}");
                foreach (var values in metric.Evaluate(context))
                {
                    for (int image = 0; image < imageNames.Count; image++)
                        rows.Add(new EvaluationRow(name, imageNames[image], values.Metric, values.Values[image]));
                }
            }
        }
        return rows;
    }

    /// <summary>The target with its classes resolved on the unmodified model (a function target stays as it is).</summary>
    public static Target Fix(ExplainableModel model, Tensor input, Target target)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(target);
        using var scope = NewDisposeScope();
        long[] classes = target.ResolveClasses(model.Predict(input));
        return classes.Any(c => c < 0) ? target : Target.Classes(classes.Select(c => (int)c).ToArray());
    }
}
