namespace Lumen.Attributions.Gradients;

/// <summary>How <see cref="NoiseTunnel"/> combines the attributions a_s of the noisy samples (Captum's <c>nt_type</c>).</summary>
public enum NoiseTunnelVariant
{
    /// <summary>SmoothGrad (Smilkov et al. 2017): the mean, E[a].</summary>
    SmoothGrad,

    /// <summary>SmoothGrad²: the mean of the squares, E[a²].</summary>
    SmoothGradSquared,

    /// <summary>VarGrad (Adebayo et al. 2018): the variance, E[a²] − E[a]².</summary>
    VarGrad,
}
