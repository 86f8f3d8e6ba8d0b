using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The random logit test (Sixt et al. 2020; Quantus's <c>RandomLogit</c>): each image is explained again for a class
/// drawn uniformly from the other classes (seeded per image), and the value is the SSIM of the two pixel maps
/// (<see cref="MapSimilarity.Ssim"/>, both min-max normalised). Lower is better: a map that explains the decision
/// differs between classes, one that shows the input (edges, the object's outline) does not.
/// </summary>
public sealed class RandomLogit : IExplanationMetric
{
    /// <summary>The single instance.</summary>
    public static RandomLogit Instance { get; } = new();

    private RandomLogit()
    {
    }

    /// <inheritdoc />
    public string Name => "random-logit";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Randomisation;

    /// <summary>The other class of each image: uniform over the classes but <paramref name="classes"/>[n], from a
    /// generator seeded by <paramref name="seed"/> and n.</summary>
    public static int[] OtherClasses(IReadOnlyList<long> classes, int classCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classCount < 2) throw LumenException.Usage("random-logit needs a model with at least two classes");
        return classes.Select((c, image) =>
        {
            if (c < 0) throw LumenException.Usage("random-logit needs a class target (a class or 'predicted'), not a function of the outputs");
            int draw = new Random(unchecked(seed * 7919 + image)).Next(classCount - 1);
            return draw >= c ? draw + 1 : draw;
        }).ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        Tensor logits = context.Model.Predict(context.Input);
        long[] classes = context.Target.ResolveClasses(logits);
        int[] others = OtherClasses(classes, (int)logits.shape[1], context.Settings.Seed);
        Tensor original = context.PixelRelevance();
        var names = Enumerable.Range(0, classes.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var attributions = MethodRunner.RunAll(new[] { context.Method(context.Model) }, context.Input, Target.Classes(others), names);
        using var other = attributions[0];
        Tensor second = PixelRelevance.Of(other, context.Input.shape[2], context.Input.shape[3]);
        var values = Enumerable.Range(0, classes.Length).Select(image => MapSimilarity.Ssim(original[image], second[image])).ToList();
        return new[] { new MetricValues(Name, values) };
    }
}
