using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al. 2017): guided backpropagation multiplied element-wise by the Grad-CAM map of a
/// layer (with ReLU), upsampled to the input's size by nearest neighbour and broadcast over channels, as Captum's
/// <c>GuidedGradCam</c> (the paper upsamples bilinearly). Two forward and backward passes for the whole batch: one
/// plain (Grad-CAM), one with guided ReLUs. The result has the input's shape.
/// </summary>
public sealed class GuidedGradCam : IAttributionMethod
{
    private readonly GradCam gradCam;
    private readonly ModifiedReluBackprop guided;

    /// <summary>Creates the method on <paramref name="layer"/> of <paramref name="model"/>.</summary>
    public GuidedGradCam(ExplainableModel model, string layer)
    {
        gradCam = new GradCam(model, layer, relu: true);
        guided = new ModifiedReluBackprop(model, ReluBackwardRule.Guided);
    }

    /// <summary>The layer of the Grad-CAM map.</summary>
    public string Layer => gradCam.Layer;

    /// <inheritdoc />
    public string Name => "guided-gradcam";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["layer"] = Layer,
        ["upsampling"] = "nearest",
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        using var cam = gradCam.Attribute(input, target);
        using var backprop = guided.Attribute(input, target);
        Tensor upsampled = MapResizer.Resize(cam.Values, (int)input.shape[2], (int)input.shape[3], Upsampling.Nearest);
        var settings = new Dictionary<string, string>(Settings) { ["relu-modules"] = backprop.Settings["relu-modules"] };
        return new Attribution(backprop.Values * upsampled, Name, backprop.Targets, backprop.TargetScores, settings);
    }
}
