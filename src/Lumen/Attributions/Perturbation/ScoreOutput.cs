namespace Lumen.Attributions.Perturbation;

/// <summary>Which output of the model a perturbation method scores.</summary>
public enum ScoreOutput
{
    /// <summary>The raw logit of the target (Captum's Occlusion, FeatureAblation and KernelShap score the forward output).</summary>
    Logit,

    /// <summary>The softmax probability of the target (LIME's classifier_fn, RISE, meaningful perturbation).</summary>
    Probability,

    /// <summary>The log of the target's softmax probability (does not saturate when the probability is close to 1).</summary>
    LogProbability,
}
