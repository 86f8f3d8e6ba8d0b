using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>Images held in one tensor [N, C, H, W] with values in [0, 1] (C = 1 or 3), with optional labels.</summary>
internal sealed class TensorImageDataset : IImageDataset
{
    private readonly Tensor pixels;

    public TensorImageDataset(Tensor pixels, string description, IReadOnlyList<long>? labels, IReadOnlyList<string>? classNames)
    {
        if (pixels.dim() != 4 || (pixels.shape[1] != 1 && pixels.shape[1] != 3))
        {
            throw LumenException.InputData($"{description} has shape {MessageText.Shape(pixels.shape)}; images must be [N, C, H, W] with C = 1 or 3.");
        }

        if (labels is not null && labels.Count != pixels.shape[0])
        {
            throw LumenException.InputData($"{description} has {pixels.shape[0]} images but {labels.Count} labels; give one label per image.");
        }

        this.pixels = pixels.to_type(ScalarType.Float32).DetachFromDisposeScope();
        Description = description;
        Labels = labels;
        ClassNames = classNames;
    }

    public string Description { get; }

    public int Count => (int)pixels.shape[0];

    public IReadOnlyList<long>? Labels { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    public string ItemName(int index) => $"#{index}";

    public Tensor LoadPixels(int start, int count)
    {
        DatasetRange.Check(this, start, count);
        return pixels.narrow(0, start, count).clone();
    }

    public void Dispose() => pixels.Dispose();
}
