using Lumen.Attributions;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The model-parameter randomization check (Adebayo et al. 2018): the method explains the same images on copies of
/// the model whose parameters are randomized, cascading from the top layer down (after layer L, every layer from the
/// output down to L is random) and independently (only layer L is random), and each map is compared with the map of
/// the trained model. Values are named <c>randomization:cascading:LAYER:SIMILARITY</c> and
/// <c>randomization:independent:LAYER:SIMILARITY</c> with SIMILARITY one of <c>spearman</c>, <c>spearman-abs</c>,
/// <c>ssim</c>, <c>ssim-abs</c>. A method that depends on the model gives low similarity once the top layers are
/// random; a model-independent map (e.g. <c>sobel</c>) stays at 1. The user's model is never changed.
/// Data randomization needs no support of its own: pass a model trained on shuffled labels and compare.
/// </summary>
public sealed class RandomizationMetric : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static RandomizationMetric Instance { get; } = new();

    private RandomizationMetric()
    {
    }

    /// <inheritdoc />
    public string Name => "randomization";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Randomisation;

    /// <inheritdoc />
    public string? Unavailable(ExplainableModel model, EvaluationSettings settings) => ModelRandomization.CopyUnavailable(model);

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var original = context.PixelRelevance();
        var layers = ModelRandomization.ParameterLayers(context.Model).Reverse().ToList();
        var results = new List<MetricValues>();
        using (var cascade = ModelRandomization.Copy(context.Model))
        {
            foreach (string layer in layers)
            {
                ModelRandomization.Randomize(cascade, layer, context.Settings.Seed);
                results.AddRange(Compare(context, cascade, original, $"randomization:cascading:{layer}"));
            }
        }
        foreach (string layer in layers)
        {
            using var single = ModelRandomization.Copy(context.Model);
            ModelRandomization.Randomize(single, layer, context.Settings.Seed);
            results.AddRange(Compare(context, single, original, $"randomization:independent:{layer}"));
        }
        return results;
    }

    /// <summary>The four similarities of the maps on <paramref name="model"/> to <paramref name="original"/>, per image.</summary>
    private static IEnumerable<MetricValues> Compare(MetricContext context, ExplainableModel model, Tensor original, string prefix)
    {
        using var scope = NewDisposeScope();
        var attributions = MethodRunner.RunAll(new[] { context.Method(model) }, context.Input, context.Target,
            Enumerable.Range(0, (int)context.Input.shape[0]).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        using var attribution = attributions[0];
        Tensor randomized = PixelRelevance.Of(attribution, context.Input.shape[2], context.Input.shape[3]);
        var spearman = new List<double>();
        var spearmanAbs = new List<double>();
        var ssim = new List<double>();
        var ssimAbs = new List<double>();
        for (int image = 0; image < original.shape[0]; image++)
        {
            Tensor a = original[image], b = randomized[image];
            float[] first = a.reshape(-1).cpu().data<float>().ToArray(), second = b.reshape(-1).cpu().data<float>().ToArray();
            spearman.Add(MapSimilarity.Spearman(first, second));
            spearmanAbs.Add(MapSimilarity.Spearman(first.Select(Math.Abs).ToArray(), second.Select(Math.Abs).ToArray()));
            ssim.Add(MapSimilarity.Ssim(a, b));
            ssimAbs.Add(MapSimilarity.Ssim(a.abs(), b.abs()));
        }
        return new[]
        {
            new MetricValues(prefix + ":spearman", spearman),
            new MetricValues(prefix + ":spearman-abs", spearmanAbs),
            new MetricValues(prefix + ":ssim", ssim),
            new MetricValues(prefix + ":ssim-abs", ssimAbs),
        };
    }
}
