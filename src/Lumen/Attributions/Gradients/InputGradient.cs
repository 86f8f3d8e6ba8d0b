using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>The gradient of the target score of each image with respect to its input, from one forward and one backward pass.</summary>
/// <param name="Gradient">d score_n / d input_n, shape [N, C, H, W].</param>
/// <param name="Targets">The class explained for each image.</param>
/// <param name="Scores">The explained score of each image.</param>
public sealed record InputGradient(Tensor Gradient, long[] Targets, float[] Scores)
{
    /// <summary>
    /// Runs the model on <paramref name="input"/> and back-propagates the sum of the per-image target scores
    /// (images in a batch are independent, so each gets the gradient of its own score). The gradient tensor
    /// is placed in the caller's dispose scope.
    /// </summary>
    public static InputGradient Compute(ExplainableModel model, Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = torch.NewDisposeScope();
        using var gradients = torch.enable_grad();
        Tensor leaf = input.detach().clone().requires_grad_(true);
        Tensor logits = model.Forward(leaf);
        long[] targets = target.ResolveClasses(logits);
        Tensor scores = target.Score(logits);
        Tensor gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { leaf })[0];
        float[] scoreValues = scores.detach().cpu().data<float>().ToArray();
        return new InputGradient(gradient.MoveToOuterDisposeScope(), targets, scoreValues);
    }
}
