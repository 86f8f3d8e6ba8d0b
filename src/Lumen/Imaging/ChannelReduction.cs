namespace Lumen.Imaging;

/// <summary>How a per-channel attribution [C, H, W] becomes one map [H, W] for drawing.</summary>
public enum ChannelReduction
{
    /// <summary>Sum over channels, keeping the sign (Captum's visualization default).</summary>
    Sum,

    /// <summary>Mean of |x| over channels.</summary>
    MeanAbs,

    /// <summary>Largest |x| over channels (the classic saliency-map rule of Simonyan et al.).</summary>
    MaxAbs,
}
