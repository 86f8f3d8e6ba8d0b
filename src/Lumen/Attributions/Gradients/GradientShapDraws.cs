using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// The random choices of one <see cref="GradientShap"/> call, sample-major (row s * N + n is sample s of image n): the
/// noisy input x̃ = x + ε, the reference b drawn uniformly from the set, and α drawn uniformly from [0, 1). The
/// gradient is taken at b + α (x̃ − b) and multiplied by x̃ − b.
/// </summary>
/// <param name="NoisyInputs">x̃, [S·N, C, H, W].</param>
/// <param name="References">b, [S·N, C, H, W].</param>
/// <param name="Alphas">α, [S·N].</param>
public sealed record GradientShapDraws(Tensor NoisyInputs, Tensor References, Tensor Alphas) : IDisposable
{
    /// <summary>
    /// Draws <paramref name="samples"/> samples for every image of <paramref name="input"/> from a generator seeded with
    /// <paramref name="seed"/> (on the CPU, so a seed gives the same draws on every device): first the noise of every
    /// sample, then the reference indices, then the alphas.
    /// </summary>
    public static GradientShapDraws Draw(Tensor input, Tensor references, int samples, double stdev, int seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(references);
        using var scope = NewDisposeScope();
        long images = input.shape[0];
        long rows = samples * images;
        using var generator = new torch.Generator((ulong)seed);
        Tensor repeated = input.repeat(samples, 1, 1, 1);
        Tensor noise = torch.randn(repeated.shape, dtype: input.dtype, generator: generator).to(input.device) * stdev;
        Tensor indices = torch.randint(references.shape[0], new[] { rows }, generator: generator).to(input.device);
        Tensor alphas = torch.rand(new[] { rows }, dtype: input.dtype, generator: generator).to(input.device);
        return new GradientShapDraws(
            (repeated + noise).MoveToOuterDisposeScope(),
            references.to(input.device).index_select(0, indices).MoveToOuterDisposeScope(),
            alphas.MoveToOuterDisposeScope());
    }

    /// <summary>The points b + α (x̃ − b) where the gradient is taken, [S·N, C, H, W].</summary>
    public Tensor Points()
    {
        var shape = new long[] { -1, 1, 1, 1 };
        return References + Alphas.reshape(shape) * (NoisyInputs - References);
    }

    /// <summary>Frees the draws.</summary>
    public void Dispose()
    {
        NoisyInputs.Dispose();
        References.Dispose();
        Alphas.Dispose();
    }
}
