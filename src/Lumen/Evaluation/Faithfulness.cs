using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Faithfulness of relevance maps, measured by changing pixels in the order a map ranks them and watching the target
/// score: deletion and insertion curves with their area under the curve (Petsiuk et al. 2018, RISE), and pixel flipping
/// with its area over the perturbation curve, most relevant first (MoRF) and least relevant first (LeRF) (Samek et al.
/// 2017). All perturbed copies run through the shared <see cref="BatchedEvaluator"/>.
/// </summary>
public static class Faithfulness
{
    /// <summary>
    /// Deletion: the most relevant pixels are replaced first, one step at a time. A faithful map makes the score fall
    /// fast: lower area is better. The area is the trapezoid rule over the fraction of deleted pixels, 0 to 1.
    /// </summary>
    public static IReadOnlyList<FaithfulnessCurve> Deletion(ExplainableModel model, Tensor input, Target target, Tensor relevance, FaithfulnessOptions options) =>
        Curves(model, input, target, relevance, options, insertion: false, region: 1, ascending: false, Area);

    /// <summary>
    /// Insertion: starting from the replacement , the most relevant pixels are revealed first.
    /// A faithful map makes the score rise fast: higher area is better.
    /// </summary>
    public static IReadOnlyList<FaithfulnessCurve> Insertion(ExplainableModel model, Tensor input, Target target, Tensor relevance, FaithfulnessOptions options) =>
        Curves(model, input, target, relevance, options, insertion: true, region: 1, ascending: false, Area);

    /// <summary>
    /// Pixel flipping: square regions are replaced one step at a time, most relevant first (<paramref name="leastRelevantFirst"/>
    /// false, MoRF) or least relevant first (LeRF); the value is AOPC = mean over the L + 1 points of f(x) − f(x after k steps).
    /// A faithful map gives a high MoRF AOPC and a low LeRF AOPC.
    /// </summary>
    public static IReadOnlyList<FaithfulnessCurve> PixelFlipping(ExplainableModel model, Tensor input, Target target, Tensor relevance, FaithfulnessOptions options, bool leastRelevantFirst)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        int region = options.Region ?? (int)Math.Max(1, input.shape[2] / 14);
        return Curves(model, input, target, relevance, options with { Step = options.Step ?? 1 }, insertion: false, region, leastRelevantFirst, Aopc);
    }

    private static IReadOnlyList<FaithfulnessCurve> Curves(ExplainableModel model, Tensor input, Target target, Tensor relevance,
        FaithfulnessOptions options, bool insertion, int region, bool ascending, Func<double[], double[], double> summary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentNullException.ThrowIfNull(options);
        model.ValidateInput(input);
        if (relevance.dim() != 3 || relevance.shape[0] != input.shape[0] || relevance.shape[1] != input.shape[2] || relevance.shape[2] != input.shape[3])
            throw LumenException.Usage($"relevance [{string.Join(", ", relevance.shape)}] does not give one map per image of [{string.Join(", ", input.shape)}]");
        using var scope = NewDisposeScope();
        var evaluator = new BatchedEvaluator(model, options.Evaluation);
        var resolved = evaluator.Resolve(input, target);
        Baseline replacement = options.Replacement ?? Baseline.Blurred();
        Tensor replaced = replacement.For(input);
        var (ranks, units) = PixelRelevance.Ranks(relevance, region, ascending);
        long step = options.Step ?? input.shape[3];
        var copies = insertion
            ? new CurvePerturbations(replaced, input, ranks, units, step)
            : new CurvePerturbations(input, replaced, ranks, units, step);
        float[] scores = evaluator.Evaluate(resolved, copies).data<float>().ToArray();
        double[] fractions = Enumerable.Range(0, (int)copies.PerImage).Select(k => Math.Min(k * step, units) / (double)units).ToArray();
        var curves = new List<FaithfulnessCurve>();
        for (int image = 0; image < input.shape[0]; image++)
        {
            double[] curve = scores.Skip(image * (int)copies.PerImage).Take((int)copies.PerImage).Select(s => (double)s).ToArray();
            curves.Add(new FaithfulnessCurve(fractions, curve, summary(fractions, curve)));
        }
        return curves;
    }

    /// <summary>The trapezoid area under <paramref name="scores"/> over <paramref name="fractions"/>.</summary>
    public static double Area(double[] fractions, double[] scores)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        ArgumentNullException.ThrowIfNull(scores);
        double area = 0;
        for (int k = 1; k < scores.Length; k++) area += (fractions[k] - fractions[k - 1]) * (scores[k] + scores[k - 1]) / 2;
        return area;
    }

    /// <summary>The area over the perturbation curve: the mean over the points of the drop from the first point.</summary>
    public static double Aopc(double[] fractions, double[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Average(score => scores[0] - score);
    }
}
