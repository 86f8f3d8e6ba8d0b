namespace Lumen.Attributions.Attention;

/// <summary>How attention rollout combines the heads of a block.</summary>
public enum HeadFusion
{
    /// <summary>The mean over heads (Abnar and Zuidema's choice).</summary>
    Mean,

    /// <summary>The maximum over heads.</summary>
    Max,

    /// <summary>The minimum over heads.</summary>
    Min,
}
