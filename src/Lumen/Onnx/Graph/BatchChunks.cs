using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// A batch of <see cref="Count"/> images cut into chunks of the <see cref="Size"/> a fixed-batch graph accepts; the
/// last chunk, when short, is padded with zero images, whose results are dropped again.
/// </summary>
internal sealed class BatchChunks
{
    /// <summary>Cuts a batch of <paramref name="count"/> images into chunks of <paramref name="size"/>.</summary>
    public BatchChunks(long count, long size)
    {
        Count = count;
        Size = size;
        Chunks = (int)((count + size - 1) / size);
    }

    /// <summary>The number of images in the batch.</summary>
    public long Count { get; }

    /// <summary>The batch size the graph accepts.</summary>
    public long Size { get; }

    /// <summary>The number of chunks.</summary>
    public int Chunks { get; }

    /// <summary>The number of real images in chunk <paramref name="chunk"/>.</summary>
    public long Rows(int chunk) => Math.Min(Size, Count - chunk * Size);

    /// <summary>Whether <paramref name="value"/> holds one row per image of the batch (floating point, batch first).</summary>
    public bool IsBatch(Tensor value) => value.is_floating_point() && value.dim() >= 1 && value.shape[0] == Count;

    /// <summary>The rows of chunk <paramref name="chunk"/> of <paramref name="batch"/> [Count, ...], padded with zeros to <see cref="Size"/> rows.</summary>
    public Tensor Slice(Tensor batch, int chunk)
    {
        long rows = Rows(chunk);
        Tensor part = batch.narrow(0, chunk * Size, rows);
        if (rows == Size) return part;
        long[] padding = part.shape.ToArray();
        padding[0] = Size - rows;
        return torch.cat(new[] { part, torch.zeros(padding, part.dtype, part.device) }, 0);
    }

    /// <summary>
    /// Joins the outputs of every chunk into one batch (padding rows dropped); null when they are not one row per
    /// image (not floating point, or not <see cref="Size"/> rows each).
    /// </summary>
    public Tensor? Join(IReadOnlyList<Tensor> outputs)
    {
        if (outputs.Any(o => !o.is_floating_point() || o.dim() == 0 || o.shape[0] != Size)) return null;
        var parts = outputs.Select((o, chunk) => Rows(chunk) == Size ? o : o.narrow(0, 0, Rows(chunk))).ToList();
        return parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
    }
}
