using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>An IDX image file [N, H, W] of bytes with its IDX label file [N], as MNIST and Fashion-MNIST ship them.</summary>
internal sealed class IdxImageDataset : IImageDataset
{
    private readonly Tensor images;

    public IdxImageDataset(string imagesPath, string labelsPath, string description, IReadOnlyList<string>? classNames)
    {
        using var scope = torch.NewDisposeScope();
        var loaded = IdxFile.Read(imagesPath);
        if (loaded.dtype != ScalarType.Byte || loaded.dim() != 3)
        {
            throw LumenException.InputData($"IDX file '{imagesPath}' holds {loaded.dtype} [{string.Join(", ", loaded.shape)}]; an image file must be uint8 [N, H, W].");
        }

        var labels = IdxFile.Read(labelsPath);
        if (labels.dim() != 1 || labels.shape[0] != loaded.shape[0])
        {
            throw LumenException.InputData($"IDX label file '{labelsPath}' has shape [{string.Join(", ", labels.shape)}] but '{imagesPath}' holds {loaded.shape[0]} images; they must belong together.");
        }

        Labels = labels.to_type(ScalarType.Int64).data<long>().ToArray();
        images = loaded.DetachFromDisposeScope();
        Description = description;
        ClassNames = classNames;
    }

    public string Description { get; }

    public int Count => (int)images.shape[0];

    public IReadOnlyList<long>? Labels { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    public string ItemName(int index) => $"#{index}";

    public Tensor LoadPixels(int start, int count)
    {
        DatasetRange.Check(this, start, count);
        using var slice = images.narrow(0, start, count);
        using var floats = slice.to_type(ScalarType.Float32);
        using var scaled = floats.div(255f);
        return scaled.unsqueeze(1);
    }

    public void Dispose() => images.Dispose();
}
