using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// The result of <see cref="ActivationMaximization"/>: one optimised image per unit, with the objective over the
/// steps. Owns its tensors; dispose it.
/// </summary>
public sealed class Visualization : IDisposable
{
    internal Visualization(IReadOnlyList<Unit> units, Tensor input, Tensor pixels, IReadOnlyList<float[]> history,
        float[] finalValues, float[] totalVariation)
    {
        Units = units;
        Input = input;
        Pixels = pixels;
        History = history;
        FinalValues = finalValues;
        TotalVariation = totalVariation;
    }

    /// <summary>The units, in the order of the images.</summary>
    public IReadOnlyList<Unit> Units { get; }

    /// <summary>The optimised images in the model's input space (after normalisation), [U, C, H, W].</summary>
    public Tensor Input { get; }

    /// <summary>The same images as pixels in [0, 1], [U, C, H, W], for display.</summary>
    public Tensor Pixels { get; }

    /// <summary>
    /// For each unit, the objective at every step (before penalties, on the randomly transformed image that step
    /// used): the unit's value, or the log-probability for probability units.
    /// </summary>
    public IReadOnlyList<float[]> History { get; }

    /// <summary>Each unit's value on its final (untransformed) image; probabilities for probability units.</summary>
    public IReadOnlyList<float> FinalValues { get; }

    /// <summary>The total variation of each final image in pixel space (<see cref="ImageRegularizers.TotalVariation"/>).</summary>
    public IReadOnlyList<float> TotalVariation { get; }

    /// <summary>Frees the images.</summary>
    public void Dispose()
    {
        Input.Dispose();
        Pixels.Dispose();
    }
}
