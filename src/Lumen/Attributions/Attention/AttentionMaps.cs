using Lumen.Attributions.Cam;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Attention;

/// <summary>
/// The attention probabilities of every block of a vision transformer, captured in one forward pass: the outputs of
/// its softmax layers (a <c>Softmax</c> module, such as <c>self_attention.softmax</c> of the built-in ViTs, or an
/// imported ONNX <c>Softmax</c> node), in the order they ran, each as [N, heads, T, T] (query, key). An ONNX export
/// of PyTorch's attention gives [N·heads, T, T] with the heads of an image adjacent; it is read that way.
/// </summary>
/// <param name="Layers">The softmax layers, in forward order.</param>
/// <param name="Attention">A per block, [N, heads, T, T], detached.</param>
/// <param name="Gradient">d score / dA per block, or null when no gradient was asked for.</param>
/// <param name="Targets">The class explained for each image.</param>
/// <param name="Scores">The explained score of each image.</param>
/// <param name="Grid">How the T tokens are a class token and a patch grid.</param>
public sealed record AttentionMaps(IReadOnlyList<string> Layers, IReadOnlyList<Tensor> Attention, IReadOnlyList<Tensor>? Gradient,
    long[] Targets, float[] Scores, TokenGrid Grid)
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/>, capturing every attention layer, and differentiates
    /// the target scores with respect to them when <paramref name="withGradient"/>. Tensors are placed in the caller's
    /// dispose scope. A model without attention layers, or whose tokens have no class token before a square patch
    /// grid, is a usage error.
    /// </summary>
    public static AttentionMaps Compute(ExplainableModel model, Tensor input, Target target, bool withGradient, string method)
    {
        model.ValidateInput(input);
        var candidates = model.LayerNames.Where(name => IsSoftmax(model.ResolveLayer(name))).ToList();
        if (candidates.Count == 0)
            throw LumenException.Usage($"{method} needs a transformer's attention probabilities, but {model.Name} has no softmax layer; use a vision transformer (e.g. vit_b_16, or an ONNX export whose attention is a Softmax node)");
        using var scope = NewDisposeScope();
        using var capture = model.Capture(candidates.ToArray());
        using var gradients = withGradient ? enable_grad() : no_grad();
        Tensor leaf = withGradient ? input.detach().clone().requires_grad_(true) : input;
        Tensor logits = model.Forward(leaf);
        long[] targets = target.ResolveClasses(logits);
        Tensor scores = target.Score(logits);
        long n = input.shape[0];
        var layers = capture.CompletionOrder.Where(name => candidates.Contains(name) && IsAttention(capture[name], n)).ToList();
        if (layers.Count == 0)
            throw LumenException.Usage($"{method} found no softmax output of {model.Name} shaped like attention probabilities [N, heads, T, T]; use a vision transformer");
        var raw = layers.Select(name => capture[name]).ToList();
        TokenGrid grid = TokenGrid.Square(raw[0].shape[^1]) is { Skip: >= 1 } found
            ? found
            : throw LumenException.Usage($"{method} reads the class token's attention over the patches, but {model.Name}'s {raw[0].shape[^1]} tokens are not a class token followed by a square patch grid");
        IList<Tensor>? gradient = withGradient ? autograd.grad(new[] { scores.sum() }, raw.ToArray()) : null;
        var attention = raw.Select(a => AsHeads(a, n).detach().clone().MoveToOuterDisposeScope()).ToList();
        var gradientMaps = gradient?.Select((g, i) => AsHeads(g, n).clone().MoveToOuterDisposeScope()).ToList();
        float[] scoreValues = scores.detach().cpu().data<float>().ToArray();
        return new AttentionMaps(layers, attention, gradientMaps, targets, scoreValues, grid);
    }

    /// <summary>Whether <paramref name="model"/> has a softmax layer that may hold attention probabilities.</summary>
    public static bool HasSoftmaxLayer(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.LayerNames.Any(name => IsSoftmax(model.ResolveLayer(name)));
    }

    /// <summary>Whether <paramref name="module"/> is a softmax (a module, or an imported ONNX <c>Softmax</c> node).</summary>
    internal static bool IsSoftmax(nn.Module module) =>
        module is TorchSharp.Modules.Softmax || module is Onnx.Graph.NodeLayer { OpType: "Softmax" };

    /// <summary>
    /// Whether a softmax's <paramref name="output"/> for <paramref name="n"/> images looks like attention probabilities:
    /// [N, heads, T, T] or [N·heads, T, T] with T tokens that are special tokens and a square patch grid, and rows
    /// (over the keys) that sum to 1 — a softmax over the channels of a square segmentation map does not.
    /// </summary>
    internal static bool IsAttention(Tensor output, long n)
    {
        bool shaped = output.shape[^1] == output.shape[^2] && output.shape[^1] > 1
            && (output.dim() == 4 && output.shape[0] == n || output.dim() == 3 && output.shape[0] % n == 0)
            && TokenGrid.Square(output.shape[^1]) is not null;
        if (!shaped) return false;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (output.detach().sum(-1) - 1).abs().max().item<float>() < RowSumTolerance;
    }

    /// <summary>How far a row of attention probabilities may sum from 1 (float32 rounding over up to thousands of keys).</summary>
    private const float RowSumTolerance = 1e-3f;

    private static Tensor AsHeads(Tensor attention, long n) =>
        attention.dim() == 4 ? attention : attention.reshape(n, attention.shape[0] / n, attention.shape[1], attention.shape[2]);
}
