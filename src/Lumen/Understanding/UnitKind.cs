namespace Lumen.Understanding;

/// <summary>What a <see cref="Unit"/> measures.</summary>
public enum UnitKind
{
    /// <summary>The logit (pre-softmax score) of one class.</summary>
    ClassLogit,

    /// <summary>The softmax probability of one class (activation maximization ascends its logarithm).</summary>
    ClassProbability,

    /// <summary>The mean over space of one channel of a layer's output.</summary>
    ChannelMean,

    /// <summary>The maximum over space of one channel of a layer's output.</summary>
    ChannelMax,

    /// <summary>One activation: a channel at one spatial position (or one feature of a flat layer).</summary>
    Neuron,

    /// <summary>The mean squared activation of a whole layer (DeepDream's objective).</summary>
    LayerNorm,
}
