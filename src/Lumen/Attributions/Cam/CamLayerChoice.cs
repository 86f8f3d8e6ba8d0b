using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The layer a CAM method uses when none is named, as torch-cam chooses it (<c>locate_candidate_layer</c>): one
/// forward pass on a zero image, and of the layers in the order their forward passes finish, the last one whose output
/// is a map [N, C, h, w] of at least 2 x 2 — the last spatial layer before global pooling or flattening. On a ResNet
/// that is the whole <c>layer4</c> block (it finishes after the layers inside it); on the reference CNN, <c>relu3</c>.
/// torch-cam accepts a map larger than 1 x 1 in either direction; requiring both sides keeps a channels-last
/// permutation of pooled features ([N, 1, 1, C], as in an exported ConvNeXt head) from being taken for a map.
/// </summary>
public static class CamLayerChoice
{
    /// <summary>The chosen layer's name; a model without any such layer is a usage error.</summary>
    public static string LastSpatialLayer(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var capturable = model.LayerNames
            .Where(name => model.ResolveLayer(name) is nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor>)
            .Select(name => (name, model.ResolveLayer(name)))
            .ToList();
        using var capture = new LayerCapture(capturable);
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            model.Forward(zeros(model.InputShapeWithBatch(1), device: model.Device.Torch));
        }
        string? chosen = capture.CompletionOrder.LastOrDefault(name =>
        {
            Tensor output = capture[name];
            return output.dim() == 4 && output.shape[2] > 1 && output.shape[3] > 1;
        });
        return chosen ?? throw LumenException.Usage($"{model.Name} has no layer with a spatial output of at least 2x2 for a CAM method; name one with --layer (see 'lumen layers --model {model.Name}')");
    }
}
