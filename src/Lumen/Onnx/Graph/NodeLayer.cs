using Lumen.Onnx.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// An ONNX node with one output as a layer: a module invoked with <c>call(x)</c> on its first floating-point input, so
/// forward hooks (layer capture, Grad-CAM) see it. Its other inputs (constants, integer shape values, or the further
/// maps of a Concat of three or more) are handed over by the graph just before the call.
/// </summary>
public class NodeLayer : nn.Module<Tensor, Tensor>
{
    private readonly Kernel kernel;
    private readonly int dataIndex;

    internal NodeLayer(string opType, Kernel kernel, int dataIndex) : base(opType)
    {
        this.kernel = kernel;
        this.dataIndex = dataIndex;
        OpType = opType;
    }

    /// <summary>The ONNX operator, e.g. <c>Reshape</c>.</summary>
    public string OpType { get; }

    /// <summary>All inputs of the node for the coming call (the data input is replaced by the call's argument).</summary>
    internal IReadOnlyList<Tensor?>? Inputs { get; set; }

    /// <summary>For a batch larger than the graph's declared one: how it is cut, and the node's inputs in every chunk.</summary>
    internal (BatchChunks Chunks, IReadOnlyList<Tensor?>[] Inputs)? Chunked { get; set; }

    /// <summary>Runs the node on <paramref name="input"/> and the inputs set before the call.</summary>
    public override Tensor forward(Tensor input)
    {
        if (Chunked is { } chunked)
        {
            var (chunks, perChunk) = chunked;
            return ChunkedKernel.Run(OpType, chunks, perChunk.Select((inputs, chunk) =>
            {
                var own = inputs.ToArray();
                own[dataIndex] = chunks.IsBatch(input) ? chunks.Slice(input, chunk) : input;
                return kernel(own)[0];
            }));
        }
        var inputs = (Inputs ?? throw new InvalidOperationException("the ONNX graph did not set the node's inputs")).ToArray();
        inputs[dataIndex] = input;
        return kernel(inputs)[0];
    }
}

/// <summary>
/// A node that only rearranges values (Reshape, Squeeze, Unsqueeze, Transpose, Identity, Dropout): LRP passes
/// relevance through it unchanged, like through <c>nn.Flatten</c>.
/// </summary>
public sealed class ShapeLayer : NodeLayer
{
    internal ShapeLayer(string opType, Kernel kernel, int dataIndex) : base(opType, kernel, dataIndex)
    {
    }
}

/// <summary>An ONNX node with two floating-point inputs (e.g. Mul or Concat of two activations) as a layer.</summary>
public sealed class PairLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Kernel kernel;
    private readonly int first;
    private readonly int second;

    internal PairLayer(string opType, Kernel kernel, int first, int second) : base(opType)
    {
        this.kernel = kernel;
        this.first = first;
        this.second = second;
        OpType = opType;
    }

    /// <summary>The ONNX operator, e.g. <c>Mul</c>.</summary>
    public string OpType { get; }

    /// <summary>All inputs of the node for the coming call.</summary>
    internal IReadOnlyList<Tensor?>? Inputs { get; set; }

    /// <summary>For a batch larger than the graph's declared one: how it is cut, and the node's inputs in every chunk.</summary>
    internal (BatchChunks Chunks, IReadOnlyList<Tensor?>[] Inputs)? Chunked { get; set; }

    /// <summary>Runs the node on <paramref name="a"/> and <paramref name="b"/>.</summary>
    public override Tensor forward(Tensor a, Tensor b)
    {
        if (Chunked is { } chunked)
        {
            var (chunks, perChunk) = chunked;
            return ChunkedKernel.Run(OpType, chunks, perChunk.Select((inputs, chunk) =>
            {
                var own = inputs.ToArray();
                own[first] = chunks.IsBatch(a) ? chunks.Slice(a, chunk) : a;
                own[second] = chunks.IsBatch(b) ? chunks.Slice(b, chunk) : b;
                return kernel(own)[0];
            }));
        }
        var inputs = (Inputs ?? throw new InvalidOperationException("the ONNX graph did not set the node's inputs")).ToArray();
        inputs[first] = a;
        inputs[second] = b;
        return kernel(inputs)[0];
    }
}
