using System.Globalization;
using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// SmoothGrad, SmoothGrad² and VarGrad around any attribution method, like Captum's <c>NoiseTunnel</c>: the wrapped
/// method explains <see cref="Samples"/> noisy copies x + ε_s, ε_s ~ N(0, σ²), of every image, and the results are
/// combined by <see cref="Variant"/>. The copies of all images go to the wrapped method together,
/// <see cref="InternalBatchSize"/> inputs per call. The noise comes from a generator seeded with <see cref="Seed"/>,
/// drawn one sample at a time, so a seed gives bit-identical results whatever the batch size. Each copy explains the
/// class resolved on the noise-free image.
/// </summary>
public sealed class NoiseTunnel : IAttributionMethod
{
    /// <summary>Captum's default number of samples.</summary>
    public const int DefaultSamples = 5;

    /// <summary>The default number of noisy inputs per call of the wrapped method.</summary>
    public const int DefaultInternalBatchSize = 64;

    private readonly ExplainableModel model;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="model">The explained model (used to fix the target class on the noise-free input).</param>
    /// <param name="baseMethod">The wrapped method, built for the same model.</param>
    /// <param name="variant">How the sample attributions are combined.</param>
    /// <param name="noise">The noise level; null for Captum's absolute standard deviation 1.0.</param>
    /// <param name="samples">The number of noisy copies per image.</param>
    /// <param name="seed">The seed of the noise generator.</param>
    /// <param name="internalBatchSize">How many noisy inputs (copies x images) one call of the wrapped method takes at most.</param>
    public NoiseTunnel(ExplainableModel model, IAttributionMethod baseMethod, NoiseTunnelVariant variant = NoiseTunnelVariant.SmoothGrad,
        NoiseLevel? noise = null, int samples = DefaultSamples, long seed = 0, int internalBatchSize = DefaultInternalBatchSize)
    {
        if (samples <= 0) throw LumenException.Usage($"--param samples={samples}: expected a positive number");
        if (internalBatchSize <= 0) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected a positive number");
        if (baseMethod is NoiseTunnel) throw LumenException.Usage("smoothgrad cannot wrap itself: choose another --param base=");
        this.model = model;
        BaseMethod = baseMethod;
        Variant = variant;
        Noise = noise ?? NoiseLevel.Absolute(1.0);
        Samples = samples;
        Seed = seed;
        InternalBatchSize = internalBatchSize;
    }

    /// <summary>The wrapped method.</summary>
    public IAttributionMethod BaseMethod { get; }

    /// <summary>How the sample attributions are combined.</summary>
    public NoiseTunnelVariant Variant { get; }

    /// <summary>The noise level.</summary>
    public NoiseLevel Noise { get; }

    /// <summary>The number of noisy copies per image.</summary>
    public int Samples { get; }

    /// <summary>The seed of the noise generator.</summary>
    public long Seed { get; }

    /// <summary>The largest number of noisy inputs per call of the wrapped method.</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public string Name => "smoothgrad";

    /// <summary>The command-line name of <paramref name="variant"/>.</summary>
    public static string VariantName(NoiseTunnelVariant variant) => variant switch
    {
        NoiseTunnelVariant.SmoothGrad => "smoothgrad",
        NoiseTunnelVariant.SmoothGradSquared => "smoothgrad-sq",
        _ => "vargrad",
    };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => SettingsWith(BaseMethod.Settings);

    /// <summary>The settings with the base method's as <c>base.NAME</c>; an attribution records those its base used.</summary>
    private Dictionary<string, string> SettingsWith(IReadOnlyDictionary<string, string> baseSettings)
    {
        var settings = new Dictionary<string, string>
        {
            ["base"] = BaseMethod.Name,
            ["variant"] = VariantName(Variant),
            ["samples"] = Samples.ToString(CultureInfo.InvariantCulture),
            ["noise"] = Noise.Description,
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["internal-batch-size"] = InternalBatchSize.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in baseSettings) settings.TryAdd("base." + name, value);
        return settings;
    }

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        var resolved = ResolvedTarget.Resolve(model, input, target);
        long images = input.shape[0];
        Tensor sigma = Noise.Sigma(input);
        using var generator = new torch.Generator((ulong)Seed); // noise drawn on the CPU: a seed gives the same noise on every device
        int perCall = GradientMemory.CopiesPerPass(model, InternalBatchSize, images, Samples);
        Tensor? sum = null, sumOfSquares = null;
        string? layer = null;
        IReadOnlyDictionary<string, string> baseSettings = BaseMethod.Settings;
        for (int first = 0; first < Samples; first += perCall)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(perCall, Samples - first);
            var noisy = new List<Tensor>();
            for (int s = 0; s < count; s++)
                noisy.Add(input + torch.randn(input.shape, dtype: input.dtype, generator: generator).to(input.device) * sigma);
            using var attribution = BaseMethod.Attribute(torch.cat(noisy, 0), resolved.Repeated(count));
            layer = attribution.Layer;
            baseSettings = attribution.Settings;
            Tensor values = attribution.Values.reshape(new long[] { count, images }.Concat(attribution.Values.shape.Skip(1)).ToArray());
            Tensor chunkSum = values.sum(dim: 0);
            Tensor chunkSquares = values.square().sum(dim: 0);
            sum = sum is null ? chunkSum.MoveToOuterDisposeScope() : sum.add_(chunkSum);
            sumOfSquares = sumOfSquares is null ? chunkSquares.MoveToOuterDisposeScope() : sumOfSquares.add_(chunkSquares);
        }
        Tensor mean = sum! / Samples;
        Tensor meanOfSquares = sumOfSquares! / Samples;
        Tensor result = Variant switch
        {
            NoiseTunnelVariant.SmoothGrad => mean,
            NoiseTunnelVariant.SmoothGradSquared => meanOfSquares,
            _ => meanOfSquares - mean.square(),
        };
        return new Attribution(result, Name, resolved.Classes, resolved.Scores, SettingsWith(baseSettings), layer);
    }
}
