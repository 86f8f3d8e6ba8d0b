using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Explanation infidelity (Yeh et al. 2019) as Captum's <c>infidelity</c> computes it with <c>normalize=True</c>: for
/// each image, <see cref="EvaluationSettings.InfidelitySamples"/> perturbations I (Gaussian, standard deviation
/// <see cref="EvaluationSettings.InfidelityNoise"/>, one value per pixel subtracted from all its channels, seeded per
/// image) give s = Σ_p I_p R_p and d = f(x) − f(x − I) (the target's logit); with β = mean(s·d) / mean(s²) (β = mean(s·d)
/// when every s is 0, Captum's safe division), the value is mean((β s − d)²). Lower is better; 0 when the map
/// predicts every change of the output linearly (exactly so for the gradient of a linear model). The scaling β makes
/// it independent of the map's scale.
/// </summary>
public sealed class Infidelity : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static Infidelity Instance { get; } = new();

    private Infidelity()
    {
    }

    /// <inheritdoc />
    public string Name => "infidelity";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Faithfulness;

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var relevance = context.PixelRelevance();
        var settings = context.Settings;
        return new[] { new MetricValues(Name, Compute(context.Model, context.Input, context.Target, relevance,
            settings.InfidelitySamples, settings.InfidelityNoise, settings.Faithfulness.BatchSize, settings.Seed)) };
    }

    /// <summary>The normalised infidelity of each map of <paramref name="relevance"/> [N, H, W].</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Model-ready images [N, C, H, W].</param>
    /// <param name="target">The target (its logit is scored).</param>
    /// <param name="relevance">Pixel relevance [N, H, W].</param>
    /// <param name="samples">Perturbations per image, at least 1.</param>
    /// <param name="noise">Standard deviation of the perturbations, positive.</param>
    /// <param name="batchSize">Copies per forward pass.</param>
    /// <param name="seed">The seed of the perturbations (image n draws from a generator seeded by seed and n).</param>
    public static double[] Compute(ExplainableModel model, Tensor input, Target target, Tensor relevance, int samples, double noise, int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(relevance);
        if (samples < 1) throw LumenException.Usage($"--samples {samples}: infidelity needs at least one perturbation per image");
        if (!(noise > 0) || double.IsInfinity(noise)) throw LumenException.Usage($"--noise {noise}: expected a positive standard deviation");
        long images = input.shape[0], height = input.shape[2], width = input.shape[3], pixels = height * width;
        using var scope = NewDisposeScope();
        var draws = new float[images * samples * pixels];
        for (int image = 0; image < images; image++)
        {
            float[] part = GaussianDraws.Draw(new Random(unchecked(seed * 7919 + image)), samples * pixels, noise);
            Array.Copy(part, 0, draws, image * samples * pixels, part.Length);
        }
        Tensor perturbations = torch.tensor(draws, device: input.device).reshape(images, samples, height, width);
        Tensor dots = (perturbations.to_type(ScalarType.Float64) * relevance.to_type(ScalarType.Float64).unsqueeze(1)).sum(new long[] { 2, 3 });
        double[] products = dots.cpu().data<double>().ToArray();
        var evaluator = new BatchedEvaluator(model, new EvaluationOptions { BatchSize = batchSize, Output = ScoreOutput.Logit });
        var resolved = evaluator.Resolve(input, target);
        float[] scores = evaluator.Evaluate(resolved, new NoisePerturbations(input, perturbations)).data<float>().ToArray();
        var result = new double[images];
        for (int image = 0; image < images; image++)
        {
            var s = products.Skip(image * samples).Take(samples).ToArray();
            var d = Enumerable.Range(0, samples).Select(k => (double)resolved.Scores[image] - scores[image * samples + k]).ToArray();
            result[image] = Normalised(s, d);
        }
        return result;
    }

    /// <summary>mean((β s − d)²) with β = mean(s·d) / mean(s²) (divided by 1 instead when mean(s²) is 0, as Captum).</summary>
    public static double Normalised(IReadOnlyList<double> s, IReadOnlyList<double> d)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(d);
        double numerator = s.Zip(d, (a, b) => a * b).Average();
        double denominator = s.Average(a => a * a);
        double beta = numerator / (denominator == 0 ? 1 : denominator);
        return s.Zip(d, (a, b) => (beta * a - b) * (beta * a - b)).Average();
    }
}
