using Lumen.Attributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Robustness of an explanation to small input noise (Yeh et al. 2019, with Captum's <c>sensitivity_max</c>
/// defaults): each image gets <see cref="EvaluationSettings.SensitivitySamples"/> copies x + δ, δ uniform in the L∞
/// ball of radius <see cref="EvaluationSettings.SensitivityRadius"/>; the method explains each copy (same target) and
/// the sensitivity of a copy is ‖Φ(x + δ) − Φ(x)‖ / ‖Φ(x)‖ (Frobenius norms over the whole map; not divided when
/// ‖Φ(x)‖ = 0). Values: <c>max-sensitivity</c> (the maximum over the copies, lower is more robust),
/// <c>avg-sensitivity</c> (the mean), and the prediction's own stability under the same noise:
/// <c>prediction-stability</c> (the share of copies whose predicted class is unchanged) and <c>max-score-change</c>
/// (the largest change of the target's softmax probability).
/// </summary>
public sealed class SensitivityMetric : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static SensitivityMetric Instance { get; } = new();

    private SensitivityMetric()
    {
    }

    /// <inheritdoc />
    public string Name => "max-sensitivity";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Robustness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings;
        if (settings.SensitivitySamples < 1) throw LumenException.Usage($"--samples {settings.SensitivitySamples}: expected at least one noisy copy");
        if (!(settings.SensitivityRadius > 0)) throw LumenException.Usage($"--radius {settings.SensitivityRadius}: expected a positive noise radius");
        using var scope = NewDisposeScope();
        Tensor input = context.Input;
        int images = (int)input.shape[0];
        Tensor original = context.Attribution.Values.to_type(ScalarType.Float64).reshape(images, -1);
        Tensor originalNorm = original.norm(1);
        Tensor logits = context.Model.Predict(input);
        Tensor predicted = logits.argmax(1);
        Tensor probability = TargetProbability(context, logits);
        var random = new Random(settings.Seed);
        var method = context.Method(context.Model);
        var names = Enumerable.Range(0, images).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var sensitivities = new List<Tensor>();
        var unchanged = new List<Tensor>();
        var changes = new List<Tensor>();
        for (int sample = 0; sample < settings.SensitivitySamples; sample++)
        {
            var values = new float[input.numel()];
            for (int i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * settings.SensitivityRadius);
            Tensor noisy = input + torch.tensor(values, device: input.device).reshape(input.shape);
            var attributions = MethodRunner.RunAll(new[] { method }, noisy, context.Target, names);
            using var attribution = attributions[0];
            Tensor difference = (attribution.Values.to_type(ScalarType.Float64).reshape(images, -1) - original).norm(1);
            sensitivities.Add(torch.where(originalNorm.gt(0), difference / originalNorm.clamp_min(double.Epsilon), difference));
            Tensor noisyLogits = context.Model.Predict(noisy);
            unchanged.Add(noisyLogits.argmax(1).eq(predicted).to_type(ScalarType.Float64));
            changes.Add((TargetProbability(context, noisyLogits) - probability).abs());
        }
        Tensor all = torch.stack(sensitivities, 1);
        return new[]
        {
            new MetricValues("max-sensitivity", Values(all.max(1).values)),
            new MetricValues("avg-sensitivity", Values(all.mean(new long[] { 1 }))),
            new MetricValues("prediction-stability", Values(torch.stack(unchanged, 1).mean(new long[] { 1 }))),
            new MetricValues("max-score-change", Values(torch.stack(changes, 1).max(1).values)),
        };
    }

    private static Tensor TargetProbability(MetricContext context, Tensor logits)
    {
        Tensor probabilities = logits.softmax(1);
        long[] classes = context.Target.ResolveClasses(logits);
        if (classes.Any(c => c < 0)) return context.Target.Score(probabilities).to_type(ScalarType.Float64);
        using var index = torch.tensor(classes, device: logits.device).unsqueeze(1);
        return probabilities.gather(1, index).squeeze(1).to_type(ScalarType.Float64);
    }

    private static List<double> Values(Tensor values) => values.to_type(ScalarType.Float64).cpu().data<double>().ToList();
}
