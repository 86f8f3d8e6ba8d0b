using Lumen.Attributions.Gradients;
using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// DeepLift with the rescale rule for a list of (input, reference) pairs: each chunk of P pairs runs through the model
/// as one batch [inputs; references] of 2P with every non-linear layer's backward replaced (<see cref="RescaleScope"/>),
/// and the attribution of pair p is (x_p − r_p) · d score_p / d x_p. Shared by <see cref="DeepLift"/> and
/// <see cref="DeepLiftShap"/>.
/// </summary>
internal static class RescaleAttribution
{
    /// <summary>Captum's threshold below which |x − r| counts as no difference (the ordinary gradient is used there).</summary>
    public const double Eps = 1e-10;

    /// <summary>The attributions [P, C, H, W] of the pairs and the reference score of each pair.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="inputs">x, [P, C, H, W].</param>
    /// <param name="references">r, [P, C, H, W].</param>
    /// <param name="resolved">The target, resolved on the original images.</param>
    /// <param name="imageOfPair">For each pair, the original image whose target it explains.</param>
    /// <param name="method">The method's name, for messages.</param>
    /// <param name="internalBatchSize">At most this many model inputs (2 per pair) per forward and backward pass.</param>
    public static (Tensor Attributions, Tensor ReferenceScores) Compute(ExplainableModel model, Tensor inputs, Tensor references,
        ResolvedTarget resolved, IReadOnlyList<int> imageOfPair, string method, int internalBatchSize)
    {
        using var scope = NewDisposeScope();
        long pairs = inputs.shape[0];
        int perPass = (int)Math.Max(1, Math.Min(pairs, GradientMemory.InputsPerPass(model, internalBatchSize) / 2));
        var attributions = new List<Tensor>();
        var referenceScores = new List<Tensor>();
        using (var rescale = new RescaleScope(model, method, Eps))
        using (var gradients = torch.enable_grad())
        {
            for (int first = 0; first < pairs; first += perPass)
            {
                using var chunkScope = NewDisposeScope();
                int count = (int)Math.Min(perPass, pairs - first);
                Tensor x = inputs.narrow(0, first, count);
                Tensor r = references.narrow(0, first, count);
                Tensor leaf = x.detach().clone().requires_grad_(true);
                rescale.ExpectedBatch = 2L * count;
                Tensor logits = model.Forward(torch.cat(new[] { leaf, r }, 0));
                Target target = resolved.ForImages(imageOfPair.Skip(first).Take(count).ToArray());
                Tensor scores = target.Score(logits.narrow(0, 0, count));
                Tensor gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { leaf })[0];
                attributions.Add(((x - r) * gradient).MoveToOuterDisposeScope());
                referenceScores.Add(target.Score(logits.narrow(0, count, count)).detach().MoveToOuterDisposeScope());
            }
            rescale.EnsureAllReached();
        }
        return (torch.cat(attributions, 0).MoveToOuterDisposeScope(), torch.cat(referenceScores, 0).MoveToOuterDisposeScope());
    }
}
