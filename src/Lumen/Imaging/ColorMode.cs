namespace Lumen.Imaging;

/// <summary>How many colour channels the model expects.</summary>
public enum ColorMode
{
    /// <summary>One channel: colour images become luminance L = 0.299 R + 0.587 G + 0.114 B (as PIL's <c>convert("L")</c>).</summary>
    Grey,

    /// <summary>Three channels in R, G, B order; grey images are repeated to three channels.</summary>
    Rgb,
}
