using Lumen.Attributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The local Lipschitz estimate (Alvarez-Melis &amp; Jaakkola 2018; Quantus's <c>LocalLipschitzEstimate</c>): each
/// image gets <see cref="EvaluationSettings.SensitivitySamples"/> copies x′ = x + ε, ε Gaussian with standard
/// deviation <see cref="EvaluationSettings.LipschitzNoise"/> per input element (seeded per image); the method
/// explains every copy for the same class, and the value is max over the copies of ‖Φ(x′) − Φ(x)‖₂ / ‖x′ − x‖₂
/// (norms over the whole attribution and the whole input). Lower is more robust. Unlike max-sensitivity it is not
/// relative to the map's size, so compare it between methods of one scale.
/// </summary>
public sealed class LocalLipschitz : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static LocalLipschitz Instance { get; } = new();

    private LocalLipschitz()
    {
    }

    /// <inheritdoc />
    public string Name => "local-lipschitz";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Robustness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings;
        if (settings.SensitivitySamples < 1) throw LumenException.Usage($"--samples {settings.SensitivitySamples}: expected at least one noisy copy");
        if (!(settings.LipschitzNoise > 0) || double.IsInfinity(settings.LipschitzNoise))
            throw LumenException.Usage($"local-lipschitz noise {settings.LipschitzNoise}: expected a positive standard deviation");
        using var scope = NewDisposeScope();
        Tensor input = context.Input;
        int images = (int)input.shape[0];
        long perImage = input.numel() / images;
        Tensor original = context.Attribution.Values.to_type(ScalarType.Float64).reshape(images, -1);
        var method = context.Method(context.Model);
        var names = Enumerable.Range(0, images).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var generators = Enumerable.Range(0, images).Select(image => new Random(unchecked(settings.Seed * 7919 + image))).ToArray();
        var quotients = new List<Tensor>();
        for (int sample = 0; sample < settings.SensitivitySamples; sample++)
        {
            var values = new float[input.numel()];
            for (int image = 0; image < images; image++)
                Array.Copy(GaussianDraws.Draw(generators[image], perImage, settings.LipschitzNoise), 0, values, image * perImage, perImage);
            Tensor noise = torch.tensor(values, device: input.device).reshape(input.shape);
            Tensor noisy = input + noise;
            var attributions = MethodRunner.RunAll(new[] { method }, noisy, context.Target, names);
            using var attribution = attributions[0];
            Tensor change = (attribution.Values.to_type(ScalarType.Float64).reshape(images, -1) - original).norm(1);
            Tensor distance = (noisy.to_type(ScalarType.Float64) - input.to_type(ScalarType.Float64)).reshape(images, -1).norm(1);
            quotients.Add(change / distance.clamp_min(double.Epsilon));
        }
        var maxima = torch.stack(quotients, 1).max(1).values.cpu().data<double>().ToList();
        return new[] { new MetricValues(Name, maxima) };
    }
}
