using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The activations A of a layer and each image's target score from one forward pass without gradients: what the
/// CAM methods that need no backward pass (CAM, Score-CAM, Ablation-CAM, Eigen-CAM) start from.
/// </summary>
/// <param name="Activations">A, shape [N, C, h, w], detached.</param>
/// <param name="Targets">The class explained for each image (-1 where the target is a function of the output).</param>
/// <param name="Scores">The explained score of each image.</param>
public sealed record LayerActivations(Tensor Activations, long[] Targets, float[] Scores)
{
    /// <summary>
    /// Captures <paramref name="layer"/> during a forward pass on <paramref name="input"/> without gradients. The
    /// layer must produce a 4-D map [N, C, h, w] or tokens [N, T, D] (read as their patch grid). Tensors are placed in the caller's dispose scope.
    /// </summary>
    public static LayerActivations Compute(ExplainableModel model, string layer, Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = torch.NewDisposeScope();
        using var capture = model.Capture(layer);
        using var noGrad = torch.no_grad();
        Tensor logits = model.Forward(input);
        long[] targets = target.ResolveClasses(logits);
        float[] scores = target.Score(logits).cpu().data<float>().ToArray();
        Tensor activations = RequireMap(model, layer, capture[layer]);
        return new LayerActivations(activations.detach().clone().MoveToOuterDisposeScope(), targets, scores);
    }

    /// <summary>
    /// <paramref name="output"/> as a map [N, C, h, w]: a 4-D output as it is, a transformer's tokens [N, T, D] as their
    /// patch grid [N, D, h, w] (<see cref="TokenGrid"/>); anything else is a usage error naming the fix.
    /// </summary>
    internal static Tensor RequireMap(ExplainableModel model, string layer, Tensor output)
    {
        if (output.dim() == 3) return TokenGrid.Of(output, layer).ToMap(output);
        if (output.dim() != 4)
            throw LumenException.Usage($"layer '{layer}' outputs [N, {string.Join(", ", output.shape.Skip(1))}], but CAM methods need a convolutional map [N, C, h, w] or transformer tokens [N, T, D]; choose a convolutional or token layer (see 'lumen layers --model {model.Name}')");
        return output;
    }
}
