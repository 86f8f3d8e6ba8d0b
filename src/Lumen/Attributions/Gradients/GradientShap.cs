using System.Globalization;
using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// GradientSHAP (Lundberg and Lee 2017, "A Unified Approach to Interpreting Model Predictions"), as Captum's
/// <c>GradientShap</c>: for each of <see cref="Samples"/> samples per image, a reference b drawn uniformly from a set,
/// Gaussian noise ε of standard deviation <see cref="Stdev"/> added to the input (x̃ = x + ε) and α drawn uniformly
/// from [0, 1); r = mean over samples of (x̃ − b) · ∂f/∂x (b + α (x̃ − b)). Its expectation is Integrated Gradients
/// averaged over the references (exact on a linear model). The draws come from a generator seeded with
/// <see cref="Seed"/>, so the same seed gives identical results.
/// </summary>
public sealed class GradientShap : IAttributionMethod, IDisposable
{
    /// <summary>Captum's default number of samples per image.</summary>
    public const int DefaultSamples = 5;

    /// <summary>Captum's default noise standard deviation (no noise).</summary>
    public const double DefaultStdev = 0.0;

    private readonly ExplainableModel model;
    private readonly Tensor references;

    /// <summary>Creates the method.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="references">The references [B, C, H, W] (copied; the caller keeps ownership).</param>
    /// <param name="description">How the references are named in the settings, e.g. their file.</param>
    /// <param name="samples">Samples per image.</param>
    /// <param name="stdev">Absolute standard deviation of the noise added to the input, in the model's input space.</param>
    /// <param name="seed">The seed of the draws.</param>
    /// <param name="internalBatchSize">At most this many model inputs per forward and backward pass.</param>
    public GradientShap(ExplainableModel model, Tensor references, string description = "custom", int samples = DefaultSamples,
        double stdev = DefaultStdev, int seed = 0, int internalBatchSize = PathSettings.DefaultInternalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (samples <= 0) throw LumenException.Usage($"--param samples={samples}: expected a positive number");
        if (stdev < 0) throw LumenException.Usage($"--param stdev={stdev}: expected zero or a positive number");
        if (internalBatchSize <= 0) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected a positive number");
        bool fits = references.dim() == 4 && references.shape[0] > 0 && references.shape.Skip(1).SequenceEqual(model.InputShape);
        if (!fits)
            throw LumenException.Usage($"baselines '{description}' have shape {MessageText.Shape(references.shape)}: expected [B, {string.Join(", ", model.InputShape)}] for {model.Name}");
        this.model = model;
        this.references = references.to_type(ScalarType.Float32).to(model.Device.Torch).detach().clone().DetachFromDisposeScope();
        Description = description;
        Samples = samples;
        Stdev = stdev;
        Seed = seed;
        InternalBatchSize = internalBatchSize;
    }

    /// <summary>How the references are named in the settings.</summary>
    public string Description { get; }

    /// <summary>Samples per image.</summary>
    public int Samples { get; }

    /// <summary>The noise's standard deviation.</summary>
    public double Stdev { get; }

    /// <summary>The seed of the draws.</summary>
    public int Seed { get; }

    /// <summary>The largest number of model inputs in one forward and backward pass.</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public string Name => "gradient-shap";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["baselines"] = $"{Description} ({references.shape[0]})",
        ["samples"] = Samples.ToString(CultureInfo.InvariantCulture),
        ["stdev"] = Stdev.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The random draws this method makes for <paramref name="input"/> (the same on every call).</summary>
    public GradientShapDraws Draw(Tensor input) => GradientShapDraws.Draw(input, references, Samples, Stdev, Seed);

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        long images = input.shape[0];
        using var draws = Draw(input);
        Tensor points = draws.Points();
        Tensor differences = draws.NoisyInputs - draws.References;
        int perPass = GradientMemory.CopiesPerPass(model, InternalBatchSize, images, Samples);
        Tensor sum = torch.zeros_like(input);
        for (int first = 0; first < Samples; first += perPass)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(perPass, Samples - first);
            Tensor chunk = points.narrow(0, first * images, count * images);
            Tensor gradient = InputGradient.Compute(model, chunk, resolved.Repeated(count)).Gradient;
            Tensor products = gradient * differences.narrow(0, first * images, count * images);
            sum.add_(products.reshape(new long[] { count, images }.Concat(input.shape.Skip(1)).ToArray()).sum(dim: 0));
        }
        return new Attribution(sum / Samples, Name, resolved.Classes, resolved.Scores, Settings);
    }

    /// <summary>Frees the references.</summary>
    public void Dispose() => references.Dispose();
}
