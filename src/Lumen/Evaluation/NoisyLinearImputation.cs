using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The noisy linear imputation of ROAD (Rong et al. 2022): every removed pixel becomes the weighted mean of its eight
/// neighbours (weight 1/6 for the four direct neighbours, 1/12 for the diagonal ones; neighbours outside the image do
/// not count), solved jointly for all removed pixels of a channel as one sparse linear system, plus Gaussian noise.
/// The system (symmetric, positive definite wherever removed pixels touch a kept one) is solved by conjugate gradients
/// in float64 with a Jacobi preconditioner, matrix-free (the neighbour sums are one depthwise 3 × 3 convolution),
/// batched over copies and channels. Removed pixels with no kept pixel in their connected region become 0.
/// </summary>
public static class NoisyLinearImputation
{
    /// <summary>The relative residual at which the solver stops.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>
    /// The images [B, C, H, W] with the pixels where <paramref name="removed"/> [B, H, W] is true imputed, plus noise
    /// N(0, <paramref name="noise"/>²) on those pixels drawn from <paramref name="random"/> (none when 0). Same dtype as
    /// <paramref name="images"/>.
    /// </summary>
    public static Tensor Impute(Tensor images, Tensor removed, double noise, Random random)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(random);
        if (images.dim() != 4 || removed.dim() != 3 || removed.shape[0] != images.shape[0] || removed.shape[1] != images.shape[2] || removed.shape[2] != images.shape[3])
            throw new ArgumentException($"images [{string.Join(", ", images.shape)}] and removed pixels [{string.Join(", ", removed.shape)}] do not match");
        if (noise < 0) throw LumenException.Usage($"ROAD noise {noise}: expected a standard deviation of 0 or more");
        using var scope = NewDisposeScope();
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        Tensor x = images.to_type(ScalarType.Float64).reshape(batch * channels, 1, height, width);
        Tensor unknown = removed.to_type(ScalarType.Float64).unsqueeze(1).expand(batch, channels, height, width).reshape(batch * channels, 1, height, width);
        Tensor known = 1 - unknown;
        Tensor kernel = torch.tensor(new double[] { 1.0 / 12, 1.0 / 6, 1.0 / 12, 1.0 / 6, 0, 1.0 / 6, 1.0 / 12, 1.0 / 6, 1.0 / 12 },
            dtype: ScalarType.Float64, device: images.device).reshape(1, 1, 3, 3);
        Tensor Neighbours(Tensor t) => nn.functional.conv2d(t, kernel, padding: new long[] { 1, 1 });
        Tensor degree = Neighbours(torch.ones_like(x));
        Tensor Apply(Tensor v) => unknown * (degree * v - Neighbours(v * unknown));
        Tensor rhs = unknown * Neighbours(x * known);
        Tensor solution = torch.zeros_like(x);
        Tensor residual = rhs.clone();
        Tensor Precondition(Tensor r) => unknown * r / degree;
        Tensor z = Precondition(residual);
        Tensor direction = z.clone();
        Tensor rz = (residual * z).sum(new long[] { 1, 2, 3 }, keepdim: true);
        double target = Tolerance * Math.Max(rhs.norm().item<double>(), double.Epsilon);
        long limit = Math.Max(100, 4 * height * width);
        for (long iteration = 0; iteration < limit && residual.norm().item<double>() > target; iteration++)
        {
            using var step = NewDisposeScope();
            Tensor applied = Apply(direction);
            Tensor curvature = (direction * applied).sum(new long[] { 1, 2, 3 }, keepdim: true);
            Tensor alpha = torch.where(curvature.gt(0), rz / curvature.clamp_min(double.Epsilon), torch.zeros_like(curvature));
            solution.add_(alpha * direction);
            residual.sub_(alpha * applied);
            Tensor nextZ = Precondition(residual);
            Tensor nextRz = (residual * nextZ).sum(new long[] { 1, 2, 3 }, keepdim: true);
            Tensor beta = torch.where(rz.gt(0), nextRz / rz.clamp_min(double.Epsilon), torch.zeros_like(rz));
            direction.mul_(beta).add_(nextZ);
            rz.copy_(nextRz);
        }
        Tensor imputed = x * known + solution * unknown;
        if (noise > 0)
        {
            Tensor draws = torch.tensor(GaussianDraws.Draw(random, imputed.numel(), noise), device: images.device).reshape(imputed.shape);
            imputed = imputed + unknown * draws.to_type(ScalarType.Float64);
        }
        return imputed.reshape(batch, channels, height, width).to_type(images.dtype).MoveToOuterDisposeScope();
    }
}
