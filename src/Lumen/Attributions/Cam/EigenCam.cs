using Lumen.Models;
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
    protected override bool SupportsEigenSmooth => false;

    /// <inheritdoc />
    protected override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerActivations.Compute(Model, layer, input, target);
        Tensor map = PrincipalProjection.Project(captured.Activations);
        return new LayerMap(map, captured.Targets, captured.Scores);
    }
}
