using System.Globalization;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// The reference input x' that a path method (Integrated Gradients) starts from: zeros, a constant, the input blurred,
/// or a given tensor. <see cref="For"/> builds it for a batch of inputs.
/// </summary>
public abstract class Baseline
{
    /// <summary>All zeros (Captum's default).</summary>
    public static Baseline Zero { get; } = new ConstantBaseline(0);

    /// <summary>Every element equal to <paramref name="value"/> (in the model's input space, after preprocessing).</summary>
    public static Baseline Constant(double value) => new ConstantBaseline(value);

    /// <summary>
    /// Each image blurred with a Gaussian of standard deviation <paramref name="sigma"/> pixels (edges replicated), as in
    /// Sturmfels et al., "Visualizing the Impact of Feature Attribution Baselines" (Distill 2020).
    /// </summary>
    public static Baseline Blurred(double sigma = 5) =>
        sigma > 0 ? new BlurredBaseline(sigma) : throw LumenException.Usage($"blur sigma {sigma}: expected a positive number of pixels");

    /// <summary>
    /// A given tensor, [C, H, W] or [1, C, H, W] (the same for every image) or [N, C, H, W] (one per image). The tensor is
    /// copied; the caller keeps ownership of <paramref name="values"/>.
    /// </summary>
    public static Baseline Custom(Tensor values, string? description = null) => new CustomBaseline(values, description ?? "custom");

    /// <summary>
    /// Parses a command-line baseline: <c>zero</c>, a number, <c>blur</c> or <c>blur:SIGMA</c>, or the path of a .npy file.
    /// </summary>
    public static Baseline Parse(string text)
    {
        string trimmed = text.Trim();
        string lowered = trimmed.ToLowerInvariant();
        if (lowered is "zero" or "zeros") return Zero;
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            return Constant(value);
        if (lowered == "blur") return Blurred();
        if (lowered.StartsWith("blur:", StringComparison.Ordinal))
        {
            return double.TryParse(trimmed[5..], NumberStyles.Float, CultureInfo.InvariantCulture, out double sigma)
                ? Blurred(sigma)
                : throw LumenException.Usage($"--param baseline={text}: expected blur:SIGMA with SIGMA a number of pixels");
        }
        if (lowered.EndsWith(".npy", StringComparison.Ordinal))
        {
            using var array = NpyFile.Read(trimmed);
            FiniteValues.Require(array, $"baseline '{trimmed}'");
            using var values = array.to_type(ScalarType.Float32);
            return Custom(values, trimmed);
        }
        throw LumenException.Usage($"--param baseline={text}: expected zero, a number, blur, blur:SIGMA or a .npy file");
    }

    /// <summary>How the baseline is written in settings, e.g. <c>zero</c>, <c>0.5</c>, <c>blur:5</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The baseline for each image of <paramref name="input"/> [N, C, H, W]: a new tensor of the same shape.</summary>
    public abstract Tensor For(Tensor input);

    private sealed class ConstantBaseline : Baseline
    {
        private readonly double value;

        public ConstantBaseline(double value) => this.value = value;

        public override string Description => value == 0 ? "zero" : value.ToString(CultureInfo.InvariantCulture);

        public override Tensor For(Tensor input) => torch.full_like(input, value);
    }

    private sealed class BlurredBaseline : Baseline
    {
        private readonly double sigma;

        public BlurredBaseline(double sigma) => this.sigma = sigma;

        public override string Description => "blur:" + sigma.ToString(CultureInfo.InvariantCulture);

        public override Tensor For(Tensor input)
        {
            using var scope = NewDisposeScope();
            long channels = input.shape[1];
            int radius = (int)Math.Ceiling(3 * sigma);
            var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
            double total = taps.Sum();
            Tensor kernel = torch.tensor(taps.Select(t => (float)(t / total)).ToArray(), dtype: input.dtype, device: input.device);
            Tensor rows = kernel.reshape(1, 1, -1, 1).expand(channels, 1, -1, 1);
            Tensor columns = kernel.reshape(1, 1, 1, -1).expand(channels, 1, 1, -1);
            Tensor padded = nn.functional.pad(input, new long[] { radius, radius, radius, radius }, PaddingModes.Replicate);
            Tensor blurred = nn.functional.conv2d(nn.functional.conv2d(padded, rows, groups: channels), columns, groups: channels);
            return blurred.MoveToOuterDisposeScope();
        }
    }

    private sealed class CustomBaseline : Baseline
    {
        private readonly Tensor values;

        public CustomBaseline(Tensor values, string description)
        {
            if (values.dim() is not (3 or 4))
                throw LumenException.Usage($"baseline '{description}' has shape {MessageText.Shape(values.shape)}: expected [C, H, W], [1, C, H, W] or [N, C, H, W]");
            this.values = (values.dim() == 3 ? values.unsqueeze(0) : values).to_type(ScalarType.Float32).detach().clone().DetachFromDisposeScope();
            Description = description;
        }

        public override string Description { get; }

        public override Tensor For(Tensor input)
        {
            bool fits = values.shape.Skip(1).SequenceEqual(input.shape.Skip(1)) && (values.shape[0] == 1 || values.shape[0] == input.shape[0]);
            if (!fits)
                throw LumenException.Usage($"baseline '{Description}' has shape {MessageText.Shape(values.shape)}, which does not fit the input [{string.Join(", ", input.shape)}]: give [C, H, W] or one baseline per image");
            return values.to(input.device).expand(input.shape).clone();
        }
    }
}
