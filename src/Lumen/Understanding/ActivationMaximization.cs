using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// Activation maximization (Erhan et al. 2009; Simonyan et al. 2014; Olah et al. 2017): for each unit u, gradient
/// ascent on x* = argmax_x f_u(T(x)) − λ₂·mean(x_in²) − λ_TV·TV(x), where T is a random jitter, scale and
/// rotation, x_in the image in the model's input space, and x is represented as pixels clipped to the valid range
/// or as Lucid's decorrelated Fourier spectrum. Units are optimised in batches, one image per unit, and each unit
/// draws from its own random stream, so results do not depend on how units are batched.
/// </summary>
public sealed class ActivationMaximization
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly ExplainableModel model;
    private readonly ActivationMaximizationOptions options;
    private readonly InputSpace space;

    /// <summary>Prepares activation maximization on <paramref name="model"/>.</summary>
    public ActivationMaximization(ExplainableModel model, ActivationMaximizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        this.options = options ?? new ActivationMaximizationOptions();
        this.options.Validate();
        space = new InputSpace(model.Preprocessing, (int)model.InputShape[0]);
    }

    /// <summary>The settings in use.</summary>
    public ActivationMaximizationOptions Options => options;

    /// <summary>Optimises one image per unit.</summary>
    /// <param name="units">The units (see <see cref="UnitSelection"/>).</param>
    /// <param name="progress">Receives the steps done over all batches.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public Visualization Run(IReadOnlyList<Unit> units, IProgress<StepProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (units.Count == 0) throw LumenException.Usage("no units to visualize");
        Tensor? start = StartImage();
        try
        {
            var inputs = new List<Tensor>();
            var pixels = new List<Tensor>();
            var history = new List<float[]>();
            var finals = new List<float>();
            var variations = new List<float>();
            int batches = (units.Count + options.BatchSize - 1) / options.BatchSize;
            int total = batches * options.Steps;
            try
            {
                for (int b = 0; b < batches; b++)
                {
                    int first = b * options.BatchSize;
                    var batch = units.Skip(first).Take(options.BatchSize).ToList();
                    var result = RunBatch(batch, first, start, done => progress?.Report(new StepProgress(b * options.Steps + done.Step, total, done.Objective)), cancellation);
                    inputs.Add(result.Input);
                    pixels.Add(result.Pixels);
                    history.AddRange(result.History);
                    finals.AddRange(result.Finals);
                    variations.AddRange(result.Variation);
                }
                using var scope = torch.NewDisposeScope();
                var input = torch.cat(inputs, 0).MoveToOuterDisposeScope();
                var pixel = torch.cat(pixels, 0).MoveToOuterDisposeScope();
                return new Visualization(units.ToList(), input.DetachFromDisposeScope(), pixel.DetachFromDisposeScope(), history, finals.ToArray(), variations.ToArray());
            }
            finally
            {
                foreach (var t in inputs.Concat(pixels)) t.Dispose();
            }
        }
        finally
        {
            start?.Dispose();
        }
    }

    private sealed record BatchResult(Tensor Input, Tensor Pixels, List<float[]> History, float[] Finals, float[] Variation);

    private BatchResult RunBatch(List<Unit> units, int firstIndex, Tensor? start, Action<(int Step, double Objective)> report, CancellationToken cancellation)
    {
        int n = units.Count;
        long[] shape = model.InputShapeWithBatch(n);
        var randoms = Enumerable.Range(0, n).Select(i => new Random(options.Seed + firstIndex + i)).ToList();
        var generators = Enumerable.Range(0, n).Select(i => new Generator((ulong)(options.Seed + firstIndex + i))).ToArray();
        int side = (int)Math.Min(shape[2], shape[3]);
        var transforms = new RandomTransforms(options.Jitter ?? (int)Math.Round(side / 16.0, MidpointRounding.AwayFromZero), options.Scale, options.Rotation);
        string[] layers = UnitEvaluator.LayersOf(units);
        var history = units.Select(_ => new float[options.Steps]).ToList();
        try
        {
            using var parameterization = Create(shape, start, generators);
            using var firstMoment = torch.zeros_like(parameterization.Parameter);
            using var secondMoment = torch.zeros_like(parameterization.Parameter);
            using var capture = model.Capture(layers);
            for (int step = 1; step <= options.Steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                Tensor objective;
                Tensor gradient;
                using (torch.enable_grad())
                {
                    var image = parameterization.Pixels();
                    var input = space.ToInput(transforms.Apply(image, randoms));
                    var logits = model.Forward(input);
                    objective = UnitEvaluator.Paired(units, logits, capture, objective: true);
                    var total = objective;
                    if (options.L2 > 0) total = total - options.L2 * ImageRegularizers.MeanSquare(space.ToInput(image));
                    if (options.TotalVariation > 0) total = total - options.TotalVariation * ImageRegularizers.TotalVariation(image);
                    gradient = torch.autograd.grad(new[] { total.sum() }, new[] { parameterization.Parameter })[0];
                }
                using (torch.no_grad())
                {
                    Ascend(parameterization.Parameter, gradient, firstMoment, secondMoment, step);
                    parameterization.AfterStep();
                    if (options.BlurEvery > 0 && step % options.BlurEvery == 0) parameterization.Blur(options.BlurSigma);
                }
                float[] values = objective.detach().cpu().data<float>().ToArray();
                for (int i = 0; i < n; i++) history[i][step - 1] = values[i];
                report((step, values.Average()));
            }

            using var finalScope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var pixels = parameterization.Pixels().detach();
            var finalInput = space.ToInput(pixels);
            var finalLogits = model.Forward(finalInput);
            float[] finals = UnitEvaluator.Paired(units, finalLogits, capture, objective: false).cpu().data<float>().ToArray();
            float[] variation = ImageRegularizers.TotalVariation(pixels).cpu().data<float>().ToArray();
            return new BatchResult(finalInput.DetachFromDisposeScope(), pixels.contiguous().DetachFromDisposeScope(), history, finals, variation);
        }
        finally
        {
            foreach (var generator in generators) generator.Dispose();
        }
    }

    private void Ascend(Tensor parameter, Tensor gradient, Tensor m, Tensor v, int step)
    {
        if (options.Rule == AscentRule.Plain)
        {
            parameter.add_(gradient, alpha: options.LearningRate);
            return;
        }
        m.mul_(Beta1).add_(gradient, alpha: 1 - Beta1);
        v.mul_(Beta2).addcmul_(gradient, gradient, value: 1 - Beta2);
        double correction1 = 1 - Math.Pow(Beta1, step);
        double correction2 = 1 - Math.Pow(Beta2, step);
        using var denominator = (v / correction2).sqrt_().add_(Epsilon);
        parameter.addcdiv_(m, denominator, value: options.LearningRate / correction1);
    }

    private ImageParameterization Create(long[] shape, Tensor? start, Generator[] generators)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? pixels = options.Init switch
        {
            InitKind.Constant => torch.full(shape, options.InitValue, device: model.Device.Torch),
            InitKind.Image => start!.expand(shape),
            _ => null,
        };
        if (options.Parameterization == ImageParameterizationKind.Fourier)
        {
            return pixels is null
                ? FourierParameterization.Random(shape, options.InitNoise, options.Decay, generators, model.Device.Torch)
                : FourierParameterization.FromPixels(pixels, options.Decay);
        }
        if (pixels is null)
        {
            long[] one = shape.Skip(1).Prepend(1L).ToArray();
            // Drawn on the CPU, so the start is the same on every device.
            pixels = torch.cat(generators.Select(g => 0.5 + options.InitNoise * torch.randn(one, generator: g)).ToList(), 0).to(model.Device.Torch);
        }
        return new PixelParameterization(pixels, options.Clip);
    }

    /// <summary>The start image [1, C, H, W] in [0, 1], checked against the model's input shape.</summary>
    private Tensor? StartImage()
    {
        if (options.Init != InitKind.Image) return null;
        Tensor image = options.InitImage!;
        var expected = model.InputShape;
        bool fits = (image.dim() == 3 && image.shape.SequenceEqual(expected))
            || (image.dim() == 4 && image.shape[0] == 1 && image.shape.Skip(1).SequenceEqual(expected));
        if (!fits)
            throw LumenException.Usage($"the start image has shape [{string.Join(", ", image.shape)}] but {model.Name} takes [{string.Join(", ", expected)}] images");
        return image.detach().to_type(ScalarType.Float32).reshape(model.InputShapeWithBatch(1)).to(model.Device.Torch).clone();
    }
}
