using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// A batch of images loaded from files: the model input and the matching display images. Dispose it to free the
/// native memory of both tensors.
/// </summary>
public sealed class LoadedImages : IDisposable
{
    internal LoadedImages(Tensor input, Tensor display, IReadOnlyList<string> paths)
    {
        Input = input;
        Display = display;
        Paths = paths;
        FileNames = [.. paths.Select(Path.GetFileName).Select(n => n ?? "")];
    }

    /// <summary>Model-ready input: float32 [N, C, H, W], scaled and normalized as the preprocessing said.</summary>
    public Tensor Input { get; }

    /// <summary>
    /// The same pixels (after resize and crop) for drawing: float32 [N, 3, H, W] in [0, 1], pixel value / 255,
    /// before mean/std; grey images repeated to three channels.
    /// </summary>
    public Tensor Display { get; }

    /// <summary>The paths the images were loaded from, in batch order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The file names (without folders), in batch order, for captions.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>The number of images.</summary>
    public int Count => Paths.Count;

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Input.Dispose();
        Display.Dispose();
    }
}
