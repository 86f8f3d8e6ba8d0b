using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>Joins what a node's kernel gave for every chunk of a batch into one batch.</summary>
internal static class ChunkedKernel
{
    /// <summary>The outputs <paramref name="perChunk"/> of ONNX <paramref name="opType"/> joined; a model error when they are not rows per image.</summary>
    public static Tensor Run(string opType, BatchChunks chunks, IEnumerable<Tensor> perChunk) =>
        chunks.Join(perChunk.ToList())
        ?? throw LumenException.Model($"an ONNX {opType} node does not give one row per image, so the graph cannot run on more images than its declared batch of {chunks.Size}");
}
