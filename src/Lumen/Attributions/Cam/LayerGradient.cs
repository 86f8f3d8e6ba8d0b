using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The activations A of a layer and the gradient dY/dA of each image's target score, from one forward and one
/// backward pass (the backward stops at the layer).
/// </summary>
/// <param name="Activations">A, shape [N, C, h, w], detached.</param>
/// <param name="Gradient">dY/dA, shape [N, C, h, w].</param>
/// <param name="Targets">The class explained for each image.</param>
/// <param name="Scores">The explained score of each image.</param>
public sealed record LayerGradient(Tensor Activations, Tensor Gradient, long[] Targets, float[] Scores)
{
    /// <summary>
    /// Captures <paramref name="layer"/> during a forward pass on <paramref name="input"/> and differentiates the
    /// target scores with respect to its output. The layer must produce a 4-D map [N, C, h, w] or
    /// tokens [N, T, D] (read as their patch grid, <see cref="TokenGrid"/>). Tensors are placed
    /// in the caller's dispose scope.
    /// </summary>
    public static LayerGradient Compute(ExplainableModel model, string layer, Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = torch.NewDisposeScope();
        using var capture = model.Capture(layer);
        using var gradients = torch.enable_grad();
        // The input requires grad only so that a graph exists when the model's parameters are frozen;
        // autograd.grad below stops at the layer and never computes the input gradient.
        Tensor leaf = input.detach().clone().requires_grad_(true);
        Tensor logits = model.Forward(leaf);
        long[] targets = target.ResolveClasses(logits);
        Tensor scores = target.Score(logits);
        Tensor output = capture[layer];
        Tensor activations = LayerActivations.RequireMap(model, layer, output);
        // Differentiated at the layer's own output: a token layer's map is a view made after the forward pass.
        Tensor gradient = LayerActivations.RequireMap(model, layer, torch.autograd.grad(new[] { scores.sum() }, new[] { output })[0]).contiguous();
        float[] scoreValues = scores.detach().cpu().data<float>().ToArray();
        return new LayerGradient(
            activations.detach().clone().MoveToOuterDisposeScope(),
            gradient.MoveToOuterDisposeScope(),
            targets,
            scoreValues);
    }
}
