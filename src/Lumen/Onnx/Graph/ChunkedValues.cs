using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// The values of one forward pass of a fixed-batch graph over a larger batch: layers run once on the whole batch (so
/// forward hooks see every image at once), while function steps and <see cref="NodeLayer"/> kernels, which may tie
/// the batch to the graph's declared size (a Reshape to the constant [1, 256]), run once per chunk.
/// </summary>
internal sealed class ChunkedValues
{
    private readonly IReadOnlyDictionary<string, Tensor> constants;
    private readonly Dictionary<string, Tensor> whole = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor[]> perChunk = new(StringComparer.Ordinal);

    /// <summary>Starts a pass over <paramref name="input"/> (named <paramref name="inputName"/>) cut as <paramref name="chunks"/> says.</summary>
    public ChunkedValues(IReadOnlyDictionary<string, Tensor> constants, string inputName, Tensor input, BatchChunks chunks)
    {
        this.constants = constants;
        Chunks = chunks;
        whole[inputName] = input;
    }

    /// <summary>How the batch is cut.</summary>
    public BatchChunks Chunks { get; }

    /// <summary>Value <paramref name="name"/> for the whole batch (null for an omitted input).</summary>
    public Tensor? Whole(string name)
    {
        if (name.Length == 0) return null;
        if (constants.TryGetValue(name, out var constant)) return constant;
        if (whole.TryGetValue(name, out var value)) return value;
        if (perChunk.ContainsKey(name))
            throw LumenException.Model($"the ONNX value '{name}' does not hold one row per image, so the graph cannot run on more images than its declared batch");
        throw new KeyNotFoundException($"the ONNX value '{name}' was not computed");
    }

    /// <summary>Value <paramref name="name"/> for chunk <paramref name="chunk"/> (its rows, padded to the chunk size).</summary>
    public Tensor? Chunk(string name, int chunk)
    {
        if (name.Length == 0) return null;
        if (constants.TryGetValue(name, out var constant)) return constant;
        if (perChunk.TryGetValue(name, out var parts)) return parts[chunk];
        Tensor value = whole.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException($"the ONNX value '{name}' was not computed");
        return Chunks.IsBatch(value) ? Chunks.Slice(value, chunk) : value;
    }

    /// <summary>Sets <paramref name="name"/> to a whole-batch value.</summary>
    public void SetWhole(string name, Tensor value) => whole[name] = value;

    /// <summary>Sets <paramref name="name"/> from its value in every chunk: one batch when they are rows per image, else kept per chunk.</summary>
    public void SetChunks(string name, Tensor[] values)
    {
        if (Chunks.Join(values) is { } joined) whole[name] = joined;
        else perChunk[name] = values;
    }
}
