using Lumen.Attributions.Gradients;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// What a perturbation method puts in place of the pixels it hides: a <see cref="Baseline"/> image of the input's
/// shape. Parses the command-line forms <c>0</c> / <c>zero</c> / any number (a constant in the model's input space),
/// <c>mean</c> (each image's per-channel mean), <c>blur</c> or <c>blur:SIGMA</c> (a Gaussian-blurred copy, sigma in
/// pixels, default 5) and the path of a .npy file ([C, H, W] or one per image).
/// </summary>
public static class Replacement
{
    /// <summary>The baseline named by <paramref name="text"/>; anything else is a usage error naming the setting.</summary>
    /// <param name="setting">The setting's name, for messages.</param>
    /// <param name="text">The value.</param>
    /// <param name="otherChoices">Further words the setting accepts, named first in the error message, or null.</param>
    public static Baseline Parse(string setting, string text, string? otherChoices = null)
    {
        if (text.Trim().Equals("mean", StringComparison.OrdinalIgnoreCase)) return MeanBaseline.Instance;
        try
        {
            return Baseline.Parse(text);
        }
        catch (LumenException error) when (error.Message.StartsWith("--param baseline=", StringComparison.Ordinal))
        {
            string others = otherChoices is null ? "" : otherChoices + ", ";
            throw LumenException.Usage($"--param {setting}={text}: expected {others}0, a number, mean, blur, blur:SIGMA or a .npy file");
        }
    }
}
