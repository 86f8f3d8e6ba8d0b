using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions;

/// <summary>Runs several attribution methods on one batch and checks every result is finite.</summary>
public static class MethodRunner
{
    /// <summary>
    /// Runs each method on <paramref name="input"/> for <paramref name="target"/>, in order. If any result holds NaN
    /// or an infinity, every result is disposed and a Model error names the method and the image.
    /// </summary>
    /// <param name="methods">The methods.</param>
    /// <param name="input">Model-ready images [N, C, H, W].</param>
    /// <param name="target">What to explain.</param>
    /// <param name="imageNames">A name per image, for the error message.</param>
    /// <returns>One attribution per method; the caller disposes them.</returns>
    public static List<Attribution> RunAll(IReadOnlyList<IAttributionMethod> methods, Tensor input, Target target, IReadOnlyList<string> imageNames)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(imageNames);
        var attributions = new List<Attribution>();
        try
        {
            foreach (var method in methods)
            {
                var attribution = method.Attribute(input, target);
                attributions.Add(attribution);
                var bad = attribution.FirstNonFiniteImage();
                if (bad >= 0)
                {
                    throw LumenException.Model($"method '{method.Name}' produced NaN or infinite values for image {imageNames[bad]}; nothing was written");
                }
            }

            return attributions;
        }
        catch
        {
            foreach (var attribution in attributions) attribution.Dispose();
            throw;
        }
    }
}
