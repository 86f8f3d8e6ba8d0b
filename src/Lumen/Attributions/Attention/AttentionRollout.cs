using System.Globalization;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Attention;

/// <summary>
/// Attention rollout (Abnar and Zuidema 2020, "Quantifying Attention Flow in Transformers"): R = I; for each block
/// in forward order, the heads' attention fused (<see cref="HeadFusion"/>), the smallest
/// <see cref="DiscardRatio"/> of its entries set to zero (never the class token's attention to itself), the identity
/// added for the residual connection and every row divided by its sum: Â; then R = Â R. The map is the class token's
/// row of R over the patch tokens, as the patch grid [N, 1, h, w], not normalised further. It does not depend on the
/// target class.
/// </summary>
public sealed class AttentionRollout : IAttributionMethod
{
    /// <summary>The default head fusion.</summary>
    public const HeadFusion DefaultFusion = HeadFusion.Mean;

    /// <summary>The default discard ratio (keep every entry).</summary>
    public const double DefaultDiscardRatio = 0;

    private readonly ExplainableModel model;

    /// <summary>Creates attention rollout for <paramref name="model"/>.</summary>
    /// <param name="model">A vision transformer whose attention probabilities are softmax layers.</param>
    /// <param name="fusion">How the heads of a block are combined.</param>
    /// <param name="discardRatio">The fraction of each fused attention matrix's smallest entries set to zero, in [0, 1).</param>
    public AttentionRollout(ExplainableModel model, HeadFusion fusion = DefaultFusion, double discardRatio = DefaultDiscardRatio)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(discardRatio >= 0 && discardRatio < 1))
            throw LumenException.Usage($"discard-ratio must be in [0, 1), got {discardRatio.ToString(CultureInfo.InvariantCulture)}");
        this.model = model;
        Fusion = fusion;
        DiscardRatio = discardRatio;
    }

    /// <summary>How the heads of a block are combined.</summary>
    public HeadFusion Fusion { get; }

    /// <summary>The fraction of each fused attention matrix's smallest entries set to zero.</summary>
    public double DiscardRatio { get; }

    /// <inheritdoc />
    public string Name => "attention-rollout";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["head-fusion"] = Fusion.ToString().ToLowerInvariant(),
        ["discard-ratio"] = DiscardRatio.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var maps = AttentionMaps.Compute(model, input, target, withGradient: false, Name);
        using var noGrad = no_grad();
        Tensor rollout = Rollout(maps.Attention, Fusion, DiscardRatio);
        Tensor values = ClassRow(rollout, maps.Grid);
        return new Attribution(values, Name, maps.Targets, maps.Scores, Settings, maps.Layers[^1]);
    }

    /// <summary>The rollout matrix R [N, T, T] of attention maps [N, heads, T, T] in forward order.</summary>
    public static Tensor Rollout(IReadOnlyList<Tensor> attention, HeadFusion fusion, double discardRatio)
    {
        long n = attention[0].shape[0], tokens = attention[0].shape[^1];
        Tensor identity = eye(tokens, dtype: attention[0].dtype, device: attention[0].device).unsqueeze(0);
        Tensor result = identity.expand(n, -1, -1);
        foreach (Tensor blockAttention in attention)
        {
            Tensor fused = fusion switch
            {
                HeadFusion.Max => blockAttention.amax(new long[] { 1 }),
                HeadFusion.Min => blockAttention.amin(new long[] { 1 }),
                _ => blockAttention.mean(new long[] { 1 }),
            };
            if (discardRatio > 0) fused = Discard(fused, discardRatio);
            Tensor withResidual = fused + identity;
            Tensor normalised = withResidual / withResidual.sum(-1, keepdim: true);
            result = matmul(normalised, result);
        }
        return result;
    }

    /// <summary>The class token's row of <paramref name="rollout"/> [N, T, T] over the patches, as [N, 1, h, w].</summary>
    internal static Tensor ClassRow(Tensor rollout, Cam.TokenGrid grid) =>
        rollout.select(1, 0).narrow(1, grid.Skip, grid.Height * grid.Width).reshape(rollout.shape[0], 1, grid.Height, grid.Width);

    /// <summary>
    /// Sets the smallest <paramref name="ratio"/> of each image's entries of <paramref name="fused"/> [N, T, T] to zero,
    /// except the class token's attention to itself (entry [0, 0]), as Gildenblat's reference implementation does.
    /// </summary>
    private static Tensor Discard(Tensor fused, double ratio)
    {
        long n = fused.shape[0], tokens = fused.shape[1];
        Tensor flat = fused.reshape(n, tokens * tokens).clone();
        int count = (int)(tokens * tokens * ratio);
        if (count == 0) return fused;
        Tensor lowest = flat.topk(count, dim: 1, largest: false).indexes;
        Tensor keep = ones_like(flat, dtype: ScalarType.Bool).scatter(1, lowest, zeros_like(lowest, dtype: ScalarType.Bool));
        keep.select(1, 0).fill_(true);
        return where(keep, flat, zeros_like(flat)).reshape(n, tokens, tokens);
    }
}
