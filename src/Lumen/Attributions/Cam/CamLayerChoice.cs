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
        string? transformerLayer = TransformerLayer(model, capture);
        if (transformerLayer is not null) return transformerLayer;
        string? chosen = capture.CompletionOrder.LastOrDefault(name =>
        {
            Tensor output = capture[name];
            return output.dim() == 4 && output.shape[2] > 1 && output.shape[3] > 1;
        });
        return chosen ?? throw LumenException.Usage($"{model.Name} has no layer with a spatial output of at least 2x2 for a CAM method; name one with --layer (see 'lumen layers --model {model.Name}')");
    }

    /// <summary>
    /// In a transformer (a softmax whose output is attention probabilities [N, heads, T, T] or [N·heads, T, T]), the
    /// LayerNorm that ran last before the last attention, when its output is a token grid: the last block's
    /// <c>ln_1</c>, pytorch-grad-cam's recommended ViT layer (the final LayerNorm's patch tokens get no gradient,
    /// since the head reads the class token only). Null for a model without attention; a usage error for a
    /// transformer without such a LayerNorm module.
    /// </summary>
    private static string? TransformerLayer(ExplainableModel model, LayerCapture capture)
    {
        var order = capture.CompletionOrder;
        int lastAttention = -1;
        for (int i = 0; i < order.Count; i++)
        {
            if (Attention.AttentionMaps.IsSoftmax(model.ResolveLayer(order[i])) && Attention.AttentionMaps.IsAttention(capture[order[i]], 1))
                lastAttention = i;
        }
        if (lastAttention < 0) return null;
        string? chosen = order.Take(lastAttention).LastOrDefault(name =>
            model.ResolveLayer(name) is TorchSharp.Modules.LayerNorm or Onnx.Graph.NodeLayer { OpType: "LayerNormalization" }
            && capture[name] is { } output && output.dim() == 3 && TokenGrid.Square(output.shape[1]) is not null);
        return chosen ?? throw LumenException.Usage($"{model.Name} is a transformer without a LayerNorm layer before its last attention to choose for a CAM method; name a token layer with --layer, e.g. the last block's LayerNorm before attention (see 'lumen layers --model {model.Name}')");
    }
}
