using System.Globalization;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// LIME for images (Ribeiro, Singh and Guestrin 2016) as the <c>lime</c> package's <c>LimeImageExplainer</c> computes
/// it: the image is cut into superpixels; <see cref="Samples"/> random on/off patterns z (each superpixel on with
/// probability ½, the first pattern all on) give copies where hidden superpixels show the fill (by default their own
/// mean colour); each copy is scored (softmax probability by default) and weighted by the kernel
/// √exp(−d² / w²) of its cosine distance d to the all-on pattern; a weighted ridge surrogate (alpha 1, with
/// intercept) is fitted on the selected superpixels. The map gives every pixel its superpixel's coefficient (0 for
/// superpixels not selected); <see cref="Attribution.Extras"/> holds the surrogate's weighted R² (<c>r2</c>), its
/// <c>intercept</c>, its prediction for the unperturbed image (<c>local_prediction</c>) and the number of
/// <c>superpixels</c>. Output [N, 1, H, W]. Every image draws its patterns from a generator seeded with
/// <see cref="Seed"/>, so a result does not depend on the other images of the batch.
/// </summary>
public sealed class Lime : IAttributionMethod
{
    /// <summary>lime's default number of samples.</summary>
    public const int DefaultSamples = 1000;

    /// <summary>lime's default kernel width for images.</summary>
    public const double DefaultKernelWidth = 0.25;

    private readonly BatchedEvaluator evaluator;

    /// <summary>Creates LIME.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="segmentation">The superpixels.</param>
    /// <param name="fill">What hidden superpixels show; null for their mean colour.</param>
    /// <param name="samples">Perturbed samples per image (the first is the unperturbed image).</param>
    /// <param name="kernelWidth">The kernel width w.</param>
    /// <param name="features">How many superpixels the explanation keeps (K); null for all.</param>
    /// <param name="selection">How the K superpixels are chosen.</param>
    /// <param name="seed">The seed of the on/off patterns.</param>
    /// <param name="options">Batch size, output (default probability), progress, cancellation.</param>
    public Lime(ExplainableModel model, ISegmentation segmentation, SuperpixelFill? fill = null, int samples = DefaultSamples,
        double kernelWidth = DefaultKernelWidth, int? features = null, FeatureSelectionMethod selection = FeatureSelectionMethod.Auto,
        long seed = 0, EvaluationOptions? options = null)
    {
        if (samples < 2) throw LumenException.Usage($"--param samples={samples}: expected at least 2 samples");
        if (!(kernelWidth > 0)) throw LumenException.Usage($"--param kernel-width={kernelWidth}: expected a positive number");
        if (features is <= 0) throw LumenException.Usage($"--param features={features}: expected a positive number of superpixels");
        Segmentation = segmentation;
        Fill = fill ?? SuperpixelFill.SegmentMean;
        Samples = samples;
        KernelWidth = kernelWidth;
        Features = features;
        Selection = selection;
        Seed = seed;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions { Output = ScoreOutput.Probability });
    }

    /// <summary>The superpixels.</summary>
    public ISegmentation Segmentation { get; }

    /// <summary>What hidden superpixels show.</summary>
    public SuperpixelFill Fill { get; }

    /// <summary>Samples per image.</summary>
    public int Samples { get; }

    /// <summary>The kernel width.</summary>
    public double KernelWidth { get; }

    /// <summary>How many superpixels the explanation keeps; null for all.</summary>
    public int? Features { get; }

    /// <summary>How the superpixels are chosen.</summary>
    public FeatureSelectionMethod Selection { get; }

    /// <summary>The seed of the patterns.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public string Name => "lime";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["samples"] = Samples.ToString(CultureInfo.InvariantCulture),
        ["segmentation"] = Segmentation.Description,
        ["hide"] = Fill.Description,
        ["kernel-width"] = KernelWidth.ToString(CultureInfo.InvariantCulture),
        ["features"] = Features?.ToString(CultureInfo.InvariantCulture) ?? "all",
        ["selection"] = FeatureSelection.NameOf(Selection),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The on/off patterns of an image with <paramref name="superpixels"/> superpixels: float32 [samples, superpixels].</summary>
    public Tensor Patterns(int superpixels)
    {
        using var generator = new torch.Generator((ulong)Seed);
        using var scope = NewDisposeScope();
        Tensor z = torch.rand(new long[] { Samples, superpixels }, generator: generator).lt(0.5).to_type(ScalarType.Float32);
        z[0].fill_(1);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>lime's sample weight for a pattern with <paramref name="on"/> of <paramref name="total"/> superpixels on.</summary>
    public static double KernelWeight(int on, int total, double kernelWidth)
    {
        double distance = on == 0 ? 1 : 1 - Math.Sqrt(on / (double)total);
        return Math.Sqrt(Math.Exp(-distance * distance / (kernelWidth * kernelWidth)));
    }

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        Tensor segments = Segmentations.Apply(Segmentation, input);
        int[] counts = SuperpixelSurrogate.Counts(segments);
        SuperpixelSurrogate.RequireMemory(Name, Samples, counts.Max(), counts.Length);
        var designs = counts.Select(Patterns).ToList();
        var resolved = evaluator.Resolve(input, target);
        Tensor scores = evaluator.Evaluate(resolved, new SuperpixelPerturbations(input, Fill.For(input, segments), segments, designs));
        var weights = new List<double[]>();
        var extras = new Dictionary<string, List<double>> { ["r2"] = new(), ["intercept"] = new(), ["local_prediction"] = new(), ["superpixels"] = new() };
        for (int n = 0; n < counts.Length; n++)
        {
            int m = counts[n];
            double[] design = SuperpixelSurrogate.ToDoubles(designs[n]);
            double[] targets = scores[n].to_type(ScalarType.Float64).data<double>().ToArray();
            var sampleWeights = Enumerable.Range(0, Samples)
                .Select(i => KernelWeight(Enumerable.Range(0, m).Count(j => design[i * m + j] > 0), m, KernelWidth)).ToArray();
            int[] used = FeatureSelection.Select(Selection, design, m, targets, sampleWeights, Features ?? m);
            var surrogate = WeightedRidge.Fit(design, m, used, targets, sampleWeights, 1.0);
            var perSuperpixel = new double[m];
            for (int j = 0; j < used.Length; j++) perSuperpixel[used[j]] = surrogate.Coefficients[j];
            weights.Add(perSuperpixel);
            extras["r2"].Add(surrogate.R2);
            extras["intercept"].Add(surrogate.Intercept);
            extras["local_prediction"].Add(surrogate.Predict(design, m, 0));
            extras["superpixels"].Add(m);
        }
        Tensor values = SuperpixelSurrogate.Spread(weights, segments);
        return new Attribution(values, Name, resolved.Classes, resolved.Logits, Settings,
            extras: extras.ToDictionary(e => e.Key, e => (IReadOnlyList<double>)e.Value));
    }
}
