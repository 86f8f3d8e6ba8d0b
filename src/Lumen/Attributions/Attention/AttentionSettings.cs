using Lumen.Models;

namespace Lumen.Attributions.Attention;

/// <summary>The settings of the attention methods and how options become them.</summary>
public static class AttentionSettings
{
    /// <summary>The settings of <c>attention-rollout</c>.</summary>
    public static IReadOnlyList<MethodSetting> RolloutSettings { get; } = new[]
    {
        new MethodSetting("head-fusion", AttentionRollout.DefaultFusion.ToString().ToLowerInvariant(), "how a block's heads are combined: mean, max or min"),
        new MethodSetting("discard-ratio", AttentionRollout.DefaultDiscardRatio.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "fraction of each fused attention matrix's smallest entries set to zero before the residual identity is added, in [0, 1)"),
    };

    /// <summary>Builds <see cref="AttentionRollout"/> from <paramref name="options"/>.</summary>
    public static IAttributionMethod CreateRollout(ExplainableModel model, MethodOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string fusion = options.GetChoice("head-fusion", AttentionRollout.DefaultFusion.ToString().ToLowerInvariant(), "mean", "max", "min");
        return new AttentionRollout(model, Enum.Parse<HeadFusion>(fusion, ignoreCase: true), options.GetDouble("discard-ratio", AttentionRollout.DefaultDiscardRatio));
    }
}
