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
/// A node that only moves values, each output element a copy of one input element (Reshape, Flatten, Squeeze,
/// Unsqueeze, Transpose, Gather and Slice with constant indices, Concat of one tensor, Identity, Dropout): LRP routes
/// relevance through it as its gradient does, so every element gets back the relevance of its copies.
/// </summary>
public sealed class ShapeLayer : NodeLayer
{
    internal ShapeLayer(string opType, Kernel kernel, int dataIndex) : base(opType, kernel, dataIndex)
    {
    }
}

/// <summary>An ONNX node with two floating-point inputs (e.g. Mul or Concat of two activations) as a layer.</summary>
public class PairLayer : nn.Module<Tensor, Tensor, Tensor>
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

/// <summary>
/// A Concat of two computed tensors: each output element is a copy of one input element, so LRP routes relevance
/// back to the concatenated parts as the gradient does.
/// </summary>
public sealed class ShapePairLayer : PairLayer
{
    internal ShapePairLayer(string opType, Kernel kernel, int first, int second) : base(opType, kernel, first, second)
    {
    }
}

/// <summary>
/// A Mul of a feature by a gate (the output of a Sigmoid or HardSigmoid): squeeze-and-excitation's channel scale, or
/// SiLU written as x·σ(x). The layer's first argument is the feature, its second the gate. LRP holds the gate constant
/// and sends all relevance to the feature (as Zennit and AttnLRP do).
/// </summary>
public sealed class GateLayer : PairLayer
{
    internal GateLayer(Kernel kernel, int feature, int gate) : base("Mul", kernel, feature, gate)
    {
    }
}

/// <summary>How an element-wise node combines its computed input x with its constant c.</summary>
internal enum ConstantOperation
{
    /// <summary>x · c.</summary>
    Multiply,

    /// <summary>x / c.</summary>
    Divide,

    /// <summary>x + c.</summary>
    Add,

    /// <summary>x − c.</summary>
    Subtract,

    /// <summary>c − x.</summary>
    SubtractFrom,
}

/// <summary>
/// An element-wise Mul, Div, Add or Sub of a computed tensor and a constant (a layer scale, an input normalisation, a
/// separate bias): an affine map y = x · a + b with constant a and b applied per element (with broadcasting), which LRP
/// treats as a linear layer.
/// </summary>
public sealed class ConstantAffineLayer : NodeLayer
{
    private readonly ConstantOperation operation;
    private readonly int constantIndex;

    internal ConstantAffineLayer(string opType, Kernel kernel, int dataIndex, int constantIndex, ConstantOperation operation) : base(opType, kernel, dataIndex)
    {
        this.constantIndex = constantIndex;
        this.operation = operation;
    }

    /// <summary>
    /// The scale a and shift b (null where the operation has none: a Mul has no shift, an Add no scale) of the call in
    /// progress; only valid while the layer runs (inside its forward hooks).
    /// </summary>
    internal (Tensor? Scale, Tensor? Shift) Coefficients()
    {
        Tensor constant = (Inputs ?? Chunked?.Inputs[0])?[constantIndex]
                          ?? throw new InvalidOperationException("the constant of an element-wise layer is only known while it runs");
        return operation switch
        {
            ConstantOperation.Multiply => (constant, null),
            ConstantOperation.Divide => (constant.reciprocal(), null),
            ConstantOperation.Add => (null, constant),
            ConstantOperation.Subtract => (null, constant.neg()),
            _ => (torch.full(Array.Empty<long>(), -1.0, dtype: constant.dtype, device: constant.device), constant),
        };
    }
}
