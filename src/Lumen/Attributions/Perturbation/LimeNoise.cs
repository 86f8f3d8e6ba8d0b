using System.Globalization;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// LIME with pixel noise (Ribeiro et al. 2016, "Why should I trust you?", with continuous perturbations and the paper's K-Lasso): the interpretable features are the pixels
/// themselves (or square blocks of <see cref="Cell"/> x <see cref="Cell"/> pixels on large images); samples are
/// x + ε·u with u uniform in [−1, 1] per feature (the same value on every channel and every pixel of a block; the first
/// sample is x itself), so all samples lie within radius ε of x in the max norm; K-Lasso picks
/// <see cref="Features"/> features (the weighted lasso path, <see cref="FeatureSelection"/>) and a least-squares fit on
/// them gives the local slopes. The map gives every pixel its feature's slope per unit of input (coefficient / ε),
/// 0 for features not selected, [N, 1, H, W]. Extras: <c>r2</c>, <c>intercept</c>, <c>features</c> (the number of
/// interpretable features). Samples are weighted equally (they are all local by construction).
/// </summary>
public sealed class LimeNoise : IAttributionMethod
{
    /// <summary>The default number of samples.</summary>
    public const int DefaultSamples = 1000;

    /// <summary>The default number of features kept.</summary>
    public const int DefaultFeatures = 20;

    /// <summary>The default radius.</summary>
    public const double DefaultRadius = 0.1;

    private readonly BatchedEvaluator evaluator;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="samples">Noisy samples per image (the first is the image itself).</param>
    /// <param name="radius">ε, the largest change of a feature, in the model's input units.</param>
    /// <param name="features">K, how many features the explanation keeps.</param>
    /// <param name="cell">Side of a feature block in pixels; 0 for max(1, side / 28), about 784 features.</param>
    /// <param name="selection">How the K features are chosen (default: the lasso path, K-Lasso).</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <param name="options">Batch size, output (default logit), progress, cancellation.</param>
    public LimeNoise(ExplainableModel model, int samples = DefaultSamples, double radius = DefaultRadius, int features = DefaultFeatures,
        int cell = 0, FeatureSelectionMethod selection = FeatureSelectionMethod.LassoPath, long seed = 0, EvaluationOptions? options = null)
    {
        if (samples < 2) throw LumenException.Usage($"--param samples={samples}: expected at least 2 samples");
        if (!(radius > 0)) throw LumenException.Usage($"--param radius={radius}: expected a positive number");
        if (features <= 0) throw LumenException.Usage($"--param features={features}: expected a positive number of features");
        if (cell < 0) throw LumenException.Usage($"--param cell={cell}: expected a positive block side in pixels (or 0 for automatic)");
        Samples = samples;
        Radius = radius;
        Features = features;
        Cell = cell;
        Selection = selection;
        Seed = seed;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions());
    }

    /// <summary>Samples per image.</summary>
    public int Samples { get; }

    /// <summary>ε.</summary>
    public double Radius { get; }

    /// <summary>K.</summary>
    public int Features { get; }

    /// <summary>Block side in pixels; 0 for automatic.</summary>
    public int Cell { get; }

    /// <summary>How the features are chosen.</summary>
    public FeatureSelectionMethod Selection { get; }

    /// <summary>The seed of the noise.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public string Name => "lime-noise";

    /// <inheritdoc />
    /// <remarks>An automatic cell reads <c>auto</c> here; an attribution records the side used.</remarks>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["samples"] = Samples.ToString(CultureInfo.InvariantCulture),
        ["radius"] = Radius.ToString(CultureInfo.InvariantCulture),
        ["features"] = Features.ToString(CultureInfo.InvariantCulture),
        ["cell"] = Cell == 0 ? "auto" : Cell.ToString(CultureInfo.InvariantCulture),
        ["selection"] = FeatureSelection.NameOf(Selection),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The block side used for an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public int ResolvedCell(int height, int width) => Cell > 0 ? Cell : Math.Max(1, Math.Min(height, width) / 28);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        int images = (int)input.shape[0], height = (int)input.shape[2], width = (int)input.shape[3];
        int cell = ResolvedCell(height, width);
        int rows = (height + cell - 1) / cell, columns = (width + cell - 1) / cell, count = rows * columns;
        SuperpixelSurrogate.RequireMemory(Name, Samples, count, images);
        Tensor noise;
        using (var generator = new torch.Generator((ulong)Seed))
        {
            noise = torch.rand(new long[] { Samples, count }, generator: generator) * 2 - 1;
        }
        noise[0].zero_();
        var resolved = evaluator.Resolve(input, target);
        Tensor scores = evaluator.Evaluate(resolved, new Noisy(input, noise, Radius, cell, rows, columns));
        double[] design = SuperpixelSurrogate.ToDoubles(noise);
        var equal = Enumerable.Repeat(1.0, Samples).ToArray();
        Tensor blocks = torch.arange(count, dtype: ScalarType.Int64).reshape(rows, columns)
            .repeat_interleave(cell, 0).repeat_interleave(cell, 1).narrow(0, 0, height).narrow(1, 0, width);
        Tensor segments = blocks.unsqueeze(0).unsqueeze(0).expand(images, 1, height, width).to(input.device);
        var slopes = new List<double[]>();
        var extras = new Dictionary<string, List<double>> { ["r2"] = new(), ["intercept"] = new(), ["features"] = new() };
        for (int n = 0; n < images; n++)
        {
            double[] targets = scores[n].to_type(ScalarType.Float64).data<double>().ToArray();
            int[] used = FeatureSelection.Select(Selection, design, count, targets, equal, Features);
            var fit = WeightedRidge.Fit(design, count, used, targets, equal, 0);
            var perFeature = new double[count];
            for (int j = 0; j < used.Length; j++) perFeature[used[j]] = fit.Coefficients[j] / Radius;
            slopes.Add(perFeature);
            extras["r2"].Add(fit.R2);
            extras["intercept"].Add(fit.Intercept);
            extras["features"].Add(count);
        }
        Tensor map = SuperpixelSurrogate.Spread(slopes, segments);
        var settings = new Dictionary<string, string>(Settings) { ["cell"] = cell.ToString(CultureInfo.InvariantCulture) };
        return new Attribution(map, Name, resolved.Classes, resolved.Logits, settings,
            extras: extras.ToDictionary(e => e.Key, e => (IReadOnlyList<double>)e.Value));
    }

    private sealed class Noisy : IPerturbations
    {
        private readonly Tensor input;
        private readonly Tensor noise;
        private readonly double radius;
        private readonly int cell, rows, columns;

        public Noisy(Tensor input, Tensor noise, double radius, int cell, int rows, int columns)
        {
            this.input = input;
            this.noise = noise;
            this.radius = radius;
            this.cell = cell;
            this.rows = rows;
            this.columns = columns;
        }

        public long PerImage => noise.shape[0];

        public Tensor Build(int image, long first, long count)
        {
            Tensor blocks = noise.narrow(0, first, count).reshape(count, 1, rows, columns).to(input.device);
            Tensor pixels = blocks.repeat_interleave(cell, 2).repeat_interleave(cell, 3)
                .narrow(2, 0, input.shape[2]).narrow(3, 0, input.shape[3]);
            return input[image].unsqueeze(0) + pixels * radius;
        }
    }
}
