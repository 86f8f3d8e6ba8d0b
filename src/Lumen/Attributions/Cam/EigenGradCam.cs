using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Eigen-Grad-CAM (pytorch-grad-cam's EigenGradCAM, after Muhammad and Yeasin 2020): like Eigen-CAM, but what is
/// projected on its first principal direction is the element-wise product of gradient and activation g ⊙ A, so the
/// map depends on the explained target. The sign rule is <see cref="PrincipalProjection"/>'s (pytorch-grad-cam keeps
/// the sign its SVD returns).
/// </summary>
public sealed class EigenGradCam : GradientCamMethod
{
    /// <summary>Creates Eigen-Grad-CAM on <paramref name="layer"/>.</summary>
    public EigenGradCam(ExplainableModel model, string layer, bool relu = true) : base(model, layer, relu)
    {
    }

    /// <summary>Creates Eigen-Grad-CAM with shared CAM options (several layers, combination, aug-smooth).</summary>
    public EigenGradCam(ExplainableModel model, CamOptions options) : base(model, options)
    {
    }

    /// <inheritdoc />
    public override string Name => "eigengradcam";

    /// <inheritdoc />
    protected override bool SupportsEigenSmooth => false;

    /// <inheritdoc />
    protected override Tensor CombineChannels(Tensor activations, Tensor gradient)
    {
        return PrincipalProjection.Project(gradient * activations);
    }
}
