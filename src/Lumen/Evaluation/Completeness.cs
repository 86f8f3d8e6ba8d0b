using Lumen.Attributions.Gradients;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Completeness (Sundararajan et al. 2017; Quantus's <c>Completeness</c>): do the attributions sum to the change of
/// the target's logit from the baseline to the input? The value is |Σ Φ − (f(x) − f(x̄))| / |f(x) − f(x̄)| (the absolute
/// gap when f(x) = f(x̄)): 0 for a complete method. The baseline x̄ is the one the method records in its settings
/// (<c>baseline</c>, as integrated gradients does; the mean of f over several), else zero (Quantus's "black").
/// Σ Φ is the sum of the attribution as the method returned it (a layer map is not resized).
/// </summary>
public sealed class Completeness : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static Completeness Instance { get; } = new();

    private Completeness()
    {
    }

    /// <inheritdoc />
    public string Name => "completeness";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Axiomatic;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var baselines = context.Attribution.Settings.TryGetValue("baseline", out string? recorded)
            ? recorded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Baseline.Parse).ToList()
            : new List<Baseline> { Baseline.Zero };
        Tensor score = TargetLogit(context, context.Input);
        Tensor baselineScore = torch.zeros_like(score);
        foreach (var baseline in baselines) baselineScore.add_(TargetLogit(context, baseline.For(context.Input)));
        baselineScore.div_(baselines.Count);
        long images = context.Input.shape[0];
        Tensor sums = context.Attribution.Values.to_type(ScalarType.Float64).reshape(images, -1).sum(1);
        Tensor change = score - baselineScore;
        Tensor gap = (sums - change).abs();
        Tensor relative = torch.where(change.abs().gt(0), gap / change.abs().clamp_min(double.Epsilon), gap);
        return new[] { new MetricValues(Name, relative.cpu().data<double>().ToList()) };
    }

    private static Tensor TargetLogit(MetricContext context, Tensor input)
    {
        Tensor logits = context.Model.Predict(input);
        long[] classes = context.Target.ResolveClasses(logits);
        if (classes.Any(c => c < 0)) return context.Target.Score(logits).to_type(ScalarType.Float64);
        using var index = torch.tensor(classes, device: logits.device).unsqueeze(1);
        return logits.gather(1, index).squeeze(1).to_type(ScalarType.Float64);
    }
}
