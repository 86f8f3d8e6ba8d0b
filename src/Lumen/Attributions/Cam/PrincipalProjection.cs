using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// pytorch-grad-cam's <c>get_2d_projection</c>: each image's per-channel terms [C, h, w] as a matrix of h·w positions
/// x C channels, every channel centred over positions, projected onto the first right singular vector (computed in
/// float64). Eigen-CAM projects the activations, Eigen-Grad-CAM the gradient x activation terms, and
/// <c>eigen-smooth</c> replaces a method's channel sum by this projection.
/// A singular vector's sign is arbitrary; Lumen fixes it so that the vector's channel weights sum to a positive
/// number, which makes the map correlate positively with the channel mean of the terms (pytorch-grad-cam keeps the
/// sign its SVD returns).
/// </summary>
public static class PrincipalProjection
{
    /// <summary>The projection [N, 1, h, w] of terms [N, C, h, w]; NaN terms count as 0, as in pytorch-grad-cam.</summary>
    public static Tensor Project(Tensor terms)
    {
        using var scope = NewDisposeScope();
        Tensor clean = terms.nan_to_num(0.0);
        long images = clean.shape[0], channels = clean.shape[1];
        long height = clean.shape[2], width = clean.shape[3];
        // Float64 so that the direction is stable when the leading singular values are close.
        Tensor positions = clean.to_type(ScalarType.Float64).reshape(images, channels, height * width).transpose(1, 2);
        Tensor centred = positions - positions.mean(new long[] { 1 }, keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        Tensor direction = vh.select(1, 0);
        Tensor one = ones(1, ScalarType.Float64, device: direction.device);
        Tensor sign = where(direction.sum(1).ge(0), one, -one);
        Tensor projection = centred.matmul(direction.unsqueeze(2)).squeeze(2) * sign.unsqueeze(1);
        return projection.reshape(images, 1, height, width).to_type(terms.dtype).MoveToOuterDisposeScope();
    }
}
