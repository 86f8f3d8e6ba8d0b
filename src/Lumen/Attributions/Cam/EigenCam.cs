using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Eigen-CAM (Muhammad and Yeasin 2020) as pytorch-grad-cam computes it: the activations of each image, as a matrix
/// of positions x channels with every channel centred over positions, projected onto their first principal
/// direction (first right singular vector). Needs no gradient and no target (the target only fills in the
/// recorded classes and scores). A singular vector's sign is arbitrary; Lumen fixes it so that the map correlates
/// positively with the channel-mean activation map, which is the same as making the direction's channel weights
/// sum to a positive number. pytorch-grad-cam keeps whatever sign its SVD returns.
/// </summary>
public sealed class EigenCam : CamMethod
{
    /// <summary>Creates Eigen-CAM on <paramref name="layer"/>.</summary>
    public EigenCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates Eigen-CAM with shared CAM options.</summary>
    public EigenCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "eigencam";

    /// <inheritdoc />
    protected override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerActivations.Compute(Model, layer, input, target);
        Tensor activations = captured.Activations.nan_to_num(0.0);
        long images = activations.shape[0], channels = activations.shape[1];
        long height = activations.shape[2], width = activations.shape[3];
        // Float64 so that the direction is stable when the leading singular values are close.
        Tensor positions = activations.to_type(ScalarType.Float64).reshape(images, channels, height * width).transpose(1, 2);
        Tensor centred = positions - positions.mean(new long[] { 1 }, keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        Tensor direction = vh.select(1, 0);
        Tensor sign = where(direction.sum(1).ge(0), tensor(1.0, ScalarType.Float64, device: direction.device), tensor(-1.0, ScalarType.Float64, device: direction.device));
        Tensor projection = centred.matmul(direction.unsqueeze(2)).squeeze(2) * sign.unsqueeze(1);
        Tensor map = projection.reshape(images, 1, height, width).to_type(ScalarType.Float32);
        return new LayerMap(map, captured.Targets, captured.Scores);
    }
}
