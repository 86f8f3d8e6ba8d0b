using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Attention;

/// <summary>
/// Gradient-weighted attention rollout (Chefer, Gur and Wolf 2021, "Generic Attention-model Explainability for
/// Interpreting Bi-Modal and Encoder-Decoder Transformers"): R = I; for each block in forward order,
/// Ā = mean over heads of ReLU(∇A ⊙ A), with A the attention probabilities and ∇A the gradient of the target's raw
/// score with respect to them; R = R + Ā R. The map is the class token's row of R over the patch tokens, as the
/// patch grid [N, 1, h, w], not normalised further.
/// </summary>
public sealed class GradientAttentionRollout : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates gradient-weighted rollout for <paramref name="model"/>.</summary>
    /// <param name="model">A vision transformer whose attention probabilities are softmax layers.</param>
    public GradientAttentionRollout(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
    }

    /// <inheritdoc />
    public string Name => "grad-attention-rollout";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var maps = AttentionMaps.Compute(model, input, target, withGradient: true, Name);
        using var noGrad = no_grad();
        Tensor rollout = Rollout(maps.Attention, maps.Gradient!);
        Tensor values = AttentionRollout.ClassRow(rollout, maps.Grid);
        return new Attribution(values, Name, maps.Targets, maps.Scores, Settings, maps.Layers[^1]);
    }

    /// <summary>The relevance matrix R [N, T, T] from attention maps and their gradients [N, heads, T, T], in forward order.</summary>
    public static Tensor Rollout(IReadOnlyList<Tensor> attention, IReadOnlyList<Tensor> gradient)
    {
        long n = attention[0].shape[0], tokens = attention[0].shape[^1];
        Tensor result = eye(tokens, dtype: attention[0].dtype, device: attention[0].device).unsqueeze(0).expand(n, -1, -1);
        for (int block = 0; block < attention.Count; block++)
        {
            Tensor weighted = nn.functional.relu(gradient[block] * attention[block]).mean(new long[] { 1 });
            result = result + matmul(weighted, result);
        }
        return result;
    }
}
