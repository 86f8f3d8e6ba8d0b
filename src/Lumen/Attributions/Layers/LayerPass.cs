using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>
/// One forward and backward pass observed at a named layer: the layer's output and the gradient of the target scores
/// with respect to it, optionally with the layer's output replaced by given values (layer integrated gradients' path
/// in the layer's output space). Layer methods need the layer to output a map [N, C, h, w].
/// </summary>
internal static class LayerPass
{
    /// <summary>The layer's output and d score / d output for <paramref name="batch"/> (tensors in the caller's scope).</summary>
    public static (Tensor Activation, Tensor Gradient) GradientAt(ExplainableModel model, string layer, string method, Tensor batch, Target target)
    {
        using var scope = NewDisposeScope();
        using var capture = model.Capture(layer);
        using var gradients = torch.enable_grad();
        // The input requires grad only so that a graph exists when the parameters are frozen; the backward stops at the layer.
        Tensor leaf = batch.detach().clone().requires_grad_(true);
        Tensor scores = target.Score(model.Forward(leaf));
        Tensor activation = RequireMap(model, layer, method, capture[layer]);
        Tensor gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { activation })[0];
        return (activation.detach().clone().MoveToOuterDisposeScope(), gradient.MoveToOuterDisposeScope());
    }

    /// <summary>The layer's output for <paramref name="batch"/>, without gradients.</summary>
    public static Tensor Activation(ExplainableModel model, string layer, string method, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var capture = model.Capture(layer);
        using var noGrad = torch.no_grad();
        model.Forward(batch);
        return RequireMap(model, layer, method, capture[layer]).detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// d score / d L where the layer's output L is replaced by <paramref name="replacement"/> (same shape) while the model
    /// runs on <paramref name="batch"/>; also the scores.
    /// </summary>
    public static (Tensor Gradient, Tensor Scores) GradientWithOutput(ExplainableModel model, string layer, Tensor batch, Tensor replacement, Target target)
    {
        using var scope = NewDisposeScope();
        var module = SingleInput(model, layer);
        Tensor leaf = replacement.detach().clone().requires_grad_(true);
        bool replaced = false;
        var handle = module.register_forward_hook((_, _, output) =>
        {
            if (!output.shape.SequenceEqual(leaf.shape))
                throw LumenException.Model($"layer '{layer}' output [{string.Join(", ", output.shape)}] where [{string.Join(", ", leaf.shape)}] was expected; it runs more than once per forward pass");
            replaced = true;
            // Sequential frees the tensor it passes on: hand it a second handle on the leaf (same storage and graph node).
            return leaf.alias();
        });
        try
        {
            using var gradients = torch.enable_grad();
            Tensor input = batch.detach().clone().requires_grad_(true);
            Tensor scores = target.Score(model.Forward(input));
            if (!replaced)
                throw LumenException.Model($"layer '{layer}' did not run in the forward pass: the model calls it through forward() instead of call(), or not at all; choose another layer");
            Tensor gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { leaf })[0];
            return (gradient.MoveToOuterDisposeScope(), scores.detach().MoveToOuterDisposeScope());
        }
        finally
        {
            handle.remove();
        }
    }

    /// <summary>The layer as a module of one tensor, or a usage error.</summary>
    public static nn.Module<Tensor, Tensor> SingleInput(ExplainableModel model, string layer) =>
        model.ResolveLayer(layer) as nn.Module<Tensor, Tensor>
        ?? throw LumenException.Usage($"layer '{layer}' ({model.ResolveLayer(layer).GetType().Name}) takes more than one tensor; choose a layer of one input, such as a convolution or activation");

    /// <summary>Returns <paramref name="output"/> if it is a map [N, C, h, w]; otherwise a usage error naming the fix.</summary>
    public static Tensor RequireMap(ExplainableModel model, string layer, string method, Tensor output)
    {
        if (output.dim() != 4)
            throw LumenException.Usage($"layer '{layer}' outputs [N, {string.Join(", ", output.shape.Skip(1))}], but {method} needs a map [N, C, h, w]; choose a convolutional layer (see 'lumen layers --model {model.Name}')");
        return output;
    }
}
