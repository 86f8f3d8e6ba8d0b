using Lumen.Onnx.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// An ONNX model run by ONNX Runtime, wrapped as a module so that <see cref="Models.ExplainableModel"/> and the
/// perturbation methods (which only evaluate the model, batched and without gradients) use it like any other model.
/// It has no layers and no gradients: a forward pass with gradients enabled is refused with a clear message. A graph
/// that takes a fixed batch (declared, or tied by shape constants: it fails on a larger batch that it runs image by
/// image) gets its images in chunks of that size.
/// </summary>
public sealed class OnnxRuntimeModule : nn.Module<Tensor, Tensor>
{
    private readonly OnnxRuntimeSession session;
    private readonly string path;
    private long? batchSize;

    /// <summary>Opens <paramref name="path"/> in ONNX Runtime.</summary>
    public OnnxRuntimeModule(string path) : base("OnnxRuntime")
    {
        this.path = path;
        session = new OnnxRuntimeSession(path);
        batchSize = session.DeclaredBatch;
    }

    /// <summary>The perturbation methods that run on a black-box model (they only evaluate it).</summary>
    public static IReadOnlyList<string> BlackBoxMethods { get; } = new[] { "occlusion", "feature-ablation", "rise", "lime", "lime-noise", "kernel-shap" };

    /// <summary>The only batch size the graph accepts (larger batches run in chunks of it), or null while it takes any.</summary>
    public long? BatchSize => batchSize;

    /// <summary>The model's outputs for <paramref name="input"/>; refused when gradients are enabled.</summary>
    public override Tensor forward(Tensor input)
    {
        if (torch.is_grad_enabled())
            throw LumenException.Usage($"{path} runs on ONNX Runtime as a black box, which gives no gradients; use a perturbation method ({string.Join(", ", BlackBoxMethods)})");
        if (batchSize is long size && input.shape[0] != size) return Chunked(input, size);
        try
        {
            Tensor output = session.Run(input);
            return output.dim() == 2 ? output : output.reshape(output.shape[0], -1);
        }
        catch (LumenException) when (batchSize is null && input.shape[0] > 1)
        {
            // The file leaves the batch open, but its shape constants tie it to 1: from now on, image by image.
            Tensor output = Chunked(input, 1);
            batchSize = 1;
            return output;
        }
    }

    private Tensor Chunked(Tensor input, long size)
    {
        using var scope = torch.NewDisposeScope();
        var chunks = new BatchChunks(input.shape[0], size);
        var outputs = Enumerable.Range(0, chunks.Chunks).Select(chunk => session.Run(chunks.Slice(input, chunk))).ToList();
        Tensor joined = chunks.Join(outputs)
            ?? throw LumenException.Model($"{path} does not give one row of scores per image for its declared input {session.DeclaredInput}");
        return joined.reshape(joined.shape[0], -1).MoveToOuterDisposeScope();
    }

    /// <summary>Closes the session.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}
