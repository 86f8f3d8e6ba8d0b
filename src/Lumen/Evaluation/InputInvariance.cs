using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// Input invariance (Kindermans et al. 2017, "The (un)reliability of saliency methods"; Quantus's
/// <c>InputInvariance</c>): a copy of the model gets the input shifted by a constant s
/// (<see cref="EvaluationSettings.InputShift"/>) and a compensating bias in its first layer, so that it computes
/// exactly the same function of the unshifted input: f′(x + s) = f(x). A method is input invariant if it explains both
/// alike. The value is ‖Φ′(x + s) − Φ(x)‖ / ‖Φ(x)‖ (Frobenius norms of the whole attribution; the plain norm when
/// ‖Φ(x)‖ = 0): 0 for an invariant method (the gradient), &gt; 0 otherwise (gradient × input, integrated gradients
/// with a zero baseline). The compensation is the first layer's response to the constant image s (W∗s, so exact also
/// where a padded convolution sees fewer shifted pixels); the copy is built from <c>lumen models</c> by name, and the
/// metric checks that the shifted copy gives the model's logits before using it.
/// </summary>
public sealed class InputInvariance : IExplanationMetric
{
    /// <summary>The largest difference of logits, relative to their scale, the shifted copy may show (float32 rounding of
    /// a shifted first layer, far below any decision).</summary>
    public const double LogitTolerance = 1e-3;

    /// <summary>The single instance.</summary>
    public static InputInvariance Instance { get; } = new();

    private InputInvariance()
    {
    }

    /// <inheritdoc />
    public string Name => "input-invariance";

    /// <inheritdoc />
    public MetricCategory Category => MetricCategory.Axiomatic;

    /// <inheritdoc />
    public string? Unavailable(ExplainableModel model, EvaluationSettings settings) => ModelRandomization.CopyUnavailable(model);

    /// <inheritdoc />
    public IReadOnlyList<MetricValues> Evaluate(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double shift = context.Settings.InputShift;
        if (!double.IsFinite(shift) || shift == 0) throw LumenException.Usage($"--input-shift {shift}: expected a non-zero number");
        using var shifted = ModelRandomization.Copy(context.Model);
        string first = ModelRandomization.ParameterLayers(shifted).FirstOrDefault()
            ?? throw LumenException.Usage($"input-invariance needs a model with a parameter layer; {context.Model.Name} has none");
        using var compensation = Compensate(shifted, first, shift);
        using var scope = NewDisposeScope();
        Tensor moved = context.Input + shift;
        Tensor expected = context.Model.Predict(context.Input);
        Tensor actual = shifted.Predict(moved);
        double difference = (actual - expected).abs().max().item<float>();
        double scale = Math.Max(1, expected.abs().max().item<float>());
        if (difference > LogitTolerance * scale)
            throw LumenException.Usage($"input-invariance: shifting the input of {context.Model.Name} cannot be compensated in its first layer '{first}' (logits differ by {difference:G3}); the first parameter layer must take the input directly and be affine");
        var names = Enumerable.Range(0, (int)context.Input.shape[0]).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var attributions = MethodRunner.RunAll(new[] { context.Method(shifted) }, moved, context.Target, names);
        using var attribution = attributions[0];
        long images = context.Input.shape[0];
        Tensor original = context.Attribution.Values.to_type(ScalarType.Float64).reshape(images, -1);
        Tensor other = attribution.Values.to_type(ScalarType.Float64).reshape(images, -1);
        Tensor norm = original.norm(1);
        Tensor gap = (other - original).norm(1);
        Tensor relative = torch.where(norm.gt(0), gap / norm.clamp_min(double.Epsilon), gap);
        return new[] { new MetricValues(Name, relative.cpu().data<double>().ToList()) };
    }

    /// <summary>
    /// Adds to layer <paramref name="layer"/> of <paramref name="model"/> (a copy) the bias −(W∗s) that cancels a shift
    /// of its input by <paramref name="shift"/>: a forward hook subtracts the layer's response to the constant image s
    /// minus its response to zeros. Dispose the result to remove it.
    /// </summary>
    public static IDisposable Compensate(ExplainableModel model, string layer, double shift)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ResolveLayer(layer) is not nn.Module<Tensor, Tensor> module)
            throw LumenException.Usage($"input-invariance: the first layer '{layer}' of {model.Name} does not take one tensor");
        Tensor? shifted = null, zero = null;
        bool inside = false;
        var handle = module.register_forward_hook((m, input, output) =>
        {
            if (inside) return output;
            if (shifted is null || zero is null || !shifted.shape.Skip(1).SequenceEqual(output.shape.Skip(1)))
            {
                inside = true;
                try
                {
                    using var noGrad = no_grad();
                    using var scope = NewDisposeScope();
                    long[] single = new[] { 1L }.Concat(input.shape.Skip(1)).ToArray();
                    Tensor onShift = m.call(torch.full(single, shift, dtype: input.dtype, device: input.device)).detach();
                    Tensor onZero = m.call(torch.zeros(single, dtype: input.dtype, device: input.device)).detach();
                    shifted?.Dispose();
                    zero?.Dispose();
                    shifted = onShift.DetachFromDisposeScope();
                    zero = onZero.DetachFromDisposeScope();
                }
                finally
                {
                    inside = false;
                }
            }
            // (W∗(x + s) + b − (W∗s + b)) + b: where the window is all shift (a constant background) the first
            // difference is exactly 0, so the layer gives exactly what the model gives, ties included.
            return output - shifted + zero;
        });
        return new Removal(() =>
        {
            handle.remove();
            shifted?.Dispose();
            zero?.Dispose();
        });
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
