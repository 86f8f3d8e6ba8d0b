using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Meaningful perturbation (Fong and Vedaldi 2017, "Interpretable Explanations of Black Boxes by Meaningful
/// Perturbation"): a low-resolution mask m ∈ [0, 1] (1 = keep the pixel) is enlarged bilinearly to the image, the
/// image is blended with a perturbation p (by default a blurred copy): x̃ = x ⊙ M + p ⊙ (1 − M), and m is optimised
/// with Adam (clamped to [0, 1] after every step) to minimise, in the deletion game,
/// λ₁·mean(1 − m) + λ₂·mean|∇m|^β + f(x̃), and in the preservation game λ₁·mean(m) + λ₂·mean|∇m|^β − f(x̃), with
/// f the target's softmax probability by default. The mask starts at <see cref="InitialValue"/> (0.5, half removed):
/// from an intact image (m = 1) a confident classifier's softmax is saturated, its gradient vanishes and the mask
/// never moves (observed on the reference CNN's trouser, p = 1.000). The map is the removed region 1 − M (deletion) or the kept region M (preservation), [N, 1, H, W].
/// <see cref="Attribution.Extras"/> holds the final <c>score</c> f(x̃), the <c>original_score</c> f(x) and the
/// <c>area</c>, the mean of the map (the fraction of the image removed or kept). All images are optimised together;
/// the optimisation is deterministic (no jitter or noise: the paper's optional anti-artefact noise is not used).
/// </summary>
public sealed class LearnedMask : IAttributionMethod
{
    private readonly ExplainableModel model;
    private readonly EvaluationOptions options;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="game">Deletion or preservation.</param>
    /// <param name="perturbation">What removed pixels become; null for a blur with sigma 5 pixels.</param>
    /// <param name="maskSize">Side of the low-resolution mask; 0 for max(14, side / 8) (the paper's 28 for 224; 14 for 28).</param>
    /// <param name="iterations">Adam steps.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="areaWeight">λ₁, the weight of the mask's mean (area).</param>
    /// <param name="smoothnessWeight">λ₂, the weight of the total variation.</param>
    /// <param name="tvExponent">β, the exponent of the total variation (the paper's 3).</param>
    /// <param name="initialValue">The mask's starting value in [0, 1].</param>
    /// <param name="options">Output (default probability), progress (one report per step), cancellation.</param>
    public LearnedMask(ExplainableModel model, MaskGame game = MaskGame.Deletion, Baseline? perturbation = null, int maskSize = 0,
        int iterations = DefaultIterations, double learningRate = 0.1, double areaWeight = DefaultAreaWeight,
        double smoothnessWeight = DefaultSmoothnessWeight, double tvExponent = 3, double initialValue = 0.5, EvaluationOptions? options = null)
    {
        if (maskSize < 0) throw LumenException.Usage($"--param mask-size={maskSize}: expected a positive side in cells (or 0 for automatic)");
        if (iterations <= 0) throw LumenException.Usage($"--param iterations={iterations}: expected a positive number of steps");
        if (!(learningRate > 0)) throw LumenException.Usage($"--param learning-rate={learningRate}: expected a positive number");
        if (areaWeight < 0 || smoothnessWeight < 0) throw LumenException.Usage("--param l1= and --param tv= must not be negative");
        if (!(tvExponent >= 1)) throw LumenException.Usage($"--param tv-exponent={tvExponent}: expected a number of at least 1");
        if (initialValue is < 0 or > 1) throw LumenException.Usage($"--param init={initialValue}: expected a number from 0 to 1");
        this.model = model;
        InitialValue = initialValue;
        Game = game;
        Perturbation = perturbation ?? Baseline.Blurred(5);
        MaskSize = maskSize;
        Iterations = iterations;
        LearningRate = learningRate;
        AreaWeight = areaWeight;
        SmoothnessWeight = smoothnessWeight;
        TvExponent = tvExponent;
        this.options = options ?? new EvaluationOptions { Output = ScoreOutput.Probability };
    }

    /// <summary>The default number of Adam steps.</summary>
    public const int DefaultIterations = 300;

    /// <summary>The default weight of the area term.</summary>
    public const double DefaultAreaWeight = 0.5;

    /// <summary>The default weight of the total-variation term.</summary>
    public const double DefaultSmoothnessWeight = 0.2;

    /// <summary>Deletion or preservation.</summary>
    public MaskGame Game { get; }

    /// <summary>What removed pixels become.</summary>
    public Baseline Perturbation { get; }

    /// <summary>Side of the low-resolution mask; 0 for automatic.</summary>
    public int MaskSize { get; }

    /// <summary>Adam steps.</summary>
    public int Iterations { get; }

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>λ₁.</summary>
    public double AreaWeight { get; }

    /// <summary>λ₂.</summary>
    public double SmoothnessWeight { get; }

    /// <summary>The mask's starting value.</summary>
    public double InitialValue { get; }

    /// <summary>β.</summary>
    public double TvExponent { get; }

    /// <inheritdoc />
    public string Name => "learned-mask";

    /// <inheritdoc />
    /// <remarks>An automatic mask size reads <c>auto</c> here; an attribution records the size used.</remarks>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["game"] = Game == MaskGame.Deletion ? "deletion" : "preservation",
        ["perturbation"] = Perturbation.Description,
        ["mask-size"] = MaskSize == 0 ? "auto" : MaskSize.ToString(CultureInfo.InvariantCulture),
        ["iterations"] = Iterations.ToString(CultureInfo.InvariantCulture),
        ["learning-rate"] = LearningRate.ToString(CultureInfo.InvariantCulture),
        ["l1"] = AreaWeight.ToString(CultureInfo.InvariantCulture),
        ["tv"] = SmoothnessWeight.ToString(CultureInfo.InvariantCulture),
        ["tv-exponent"] = TvExponent.ToString(CultureInfo.InvariantCulture),
        ["init"] = InitialValue.ToString(CultureInfo.InvariantCulture),
        ["output"] = options.OutputName,
    };

    /// <summary>The low-resolution side used for an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public (int Height, int Width) ResolvedMaskSize(int height, int width)
    {
        int shorter = Math.Min(height, width);
        int side = MaskSize > 0 ? MaskSize : Math.Max(Math.Min(14, shorter), shorter / 8);
        return (Math.Min(side, height), Math.Min(side, width));
    }

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = PerturbationTarget.Resolve(model, input, target, options.Output);
        int images = (int)input.shape[0], height = (int)input.shape[2], width = (int)input.shape[3];
        var imageOfRow = Enumerable.Range(0, images).ToArray();
        var (maskHeight, maskWidth) = ResolvedMaskSize(height, width);
        Tensor perturbed = Perturbation.For(input).detach();
        Tensor x = input.detach();
        bool deletion = Game == MaskGame.Deletion;
        Tensor mask = full(new long[] { images, 1, maskHeight, maskWidth }, (float)InitialValue, device: input.device);
        Tensor firstMoment = zeros_like(mask), secondMoment = zeros_like(mask);
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        using (enable_grad())
        {
            for (int step = 1; step <= Iterations; step++)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                Tensor m = mask.detach().requires_grad_(true);
                Tensor score = Score(m, x, perturbed, resolved, imageOfRow, height, width);
                Tensor area = deletion ? (1 - m).mean(new long[] { 1, 2, 3 }) : m.mean(new long[] { 1, 2, 3 });
                Tensor loss = (AreaWeight * area + SmoothnessWeight * TotalVariation(m) + (deletion ? score : -score)).sum();
                Tensor gradient = torch.autograd.grad(new[] { loss }, new[] { m })[0];
                firstMoment.mul_(beta1).add_(gradient * (1 - beta1));
                secondMoment.mul_(beta2).add_(gradient.square() * (1 - beta2));
                Tensor correctedFirst = firstMoment / (1 - Math.Pow(beta1, step));
                Tensor correctedSecond = secondMoment / (1 - Math.Pow(beta2, step));
                mask.sub_(correctedFirst / (correctedSecond.sqrt() + epsilon) * LearningRate).clamp_(0, 1);
                options.Progress?.Report(new PerturbationProgress(step, Iterations));
            }
        }
        Tensor upsampled = Upsample(mask, height, width);
        Tensor finalScores;
        using (no_grad()) finalScores = Score(mask, x, perturbed, resolved, imageOfRow, height, width);
        Tensor map = deletion ? 1 - upsampled : upsampled;
        var extras = new Dictionary<string, IReadOnlyList<double>>
        {
            ["score"] = finalScores.cpu().to_type(ScalarType.Float64).data<double>().ToArray(),
            ["original_score"] = resolved.Scores.Select(s => (double)s).ToArray(),
            ["area"] = map.mean(new long[] { 1, 2, 3 }).cpu().to_type(ScalarType.Float64).data<double>().ToArray(),
        };
        var settings = new Dictionary<string, string>(Settings)
        {
            ["mask-size"] = maskHeight == maskWidth
                ? maskHeight.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{maskHeight}x{maskWidth}"),
        };
        return new Attribution(map, Name, resolved.Classes, resolved.Logits, settings, extras: extras);
    }

    private Tensor Score(Tensor mask, Tensor x, Tensor perturbed, PerturbationTarget resolved, int[] imageOfRow, int height, int width)
    {
        Tensor upsampled = Upsample(mask, height, width);
        Tensor blended = x * upsampled + perturbed * (1 - upsampled);
        return resolved.Score(model.Forward(blended), imageOfRow);
    }

    private static Tensor Upsample(Tensor mask, int height, int width) =>
        mask.shape[2] == height && mask.shape[3] == width
            ? mask
            : nn.functional.interpolate(mask, size: new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>Per image: mean over neighbouring cell pairs (rows and columns) of |difference|^β.</summary>
    private Tensor TotalVariation(Tensor m)
    {
        Tensor rows = (m.narrow(2, 1, m.shape[2] - 1) - m.narrow(2, 0, m.shape[2] - 1)).abs().pow(TvExponent);
        Tensor columns = (m.narrow(3, 1, m.shape[3] - 1) - m.narrow(3, 0, m.shape[3] - 1)).abs().pow(TvExponent);
        long pairs = rows[0].numel() + columns[0].numel();
        if (pairs == 0) return zeros(m.shape[0], device: m.device);
        return (rows.sum(new long[] { 1, 2, 3 }) + columns.sum(new long[] { 1, 2, 3 })) / pairs;
    }
}
