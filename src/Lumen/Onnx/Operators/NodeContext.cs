using Lumen.Onnx.Proto;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// One ONNX node as an operator sees it while the graph is imported: its attributes, the opset, and an example
/// value for every input (a constant, or the value the node receives for an example input image).
/// </summary>
internal sealed class NodeContext
{
    private readonly Dictionary<string, AttributeProto> attributes;

    /// <summary>Creates the context of <paramref name="node"/>.</summary>
    public NodeContext(NodeProto node, string layerName, long opset, IReadOnlyList<Tensor?> examples, IReadOnlyList<bool> constant, string modelFolder, ImportBudget? budget = null)
    {
        ModelFolder = modelFolder;
        Budget = budget;
        Node = node;
        LayerName = layerName;
        Opset = opset;
        Examples = examples;
        IsConstant = constant;
        attributes = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (var attribute in node.Attribute) attributes[attribute.Name] = attribute;
    }

    /// <summary>The folder of the model file (external data is read from it only).</summary>
    public string ModelFolder { get; }

    /// <summary>The import's memory budget, charged for tensors read from attributes; null outside an import.</summary>
    public ImportBudget? Budget { get; }

    /// <summary>The node.</summary>
    public NodeProto Node { get; }

    /// <summary>The name the node's layer gets.</summary>
    public string LayerName { get; }

    /// <summary>The version of the default ONNX operator set the model imports.</summary>
    public long Opset { get; }

    /// <summary>An example value per input, null for an omitted optional input.</summary>
    public IReadOnlyList<Tensor?> Examples { get; }

    /// <summary>Whether each input is a constant (initializer, Constant node or folded from constants).</summary>
    public IReadOnlyList<bool> IsConstant { get; }

    /// <summary>The number of inputs listed (including omitted optional ones).</summary>
    public int InputCount => Examples.Count;

    /// <summary>Input <paramref name="index"/> if it is present and constant, else null.</summary>
    public Tensor? Constant(int index) => index < Examples.Count && IsConstant[index] ? Examples[index] : null;

    /// <summary>Whether input <paramref name="index"/> is given.</summary>
    public bool Has(int index) => index < Examples.Count && Examples[index] is not null;

    /// <summary>The example value of input <paramref name="index"/>; a model error if it is missing.</summary>
    public Tensor Example(int index) => Has(index) ? Examples[index]! : throw Error($"input {index + 1} is missing");

    /// <summary>An error that names the node and the operator.</summary>
    public LumenException Error(string problem) =>
        new UnsupportedGraphException($"ONNX {Node.OpType} node '{DisplayName}': {problem}");

    /// <summary>The node's name, else its first output.</summary>
    public string DisplayName => Node.Name.Length > 0 ? Node.Name : Node.Output.FirstOrDefault() ?? "?";

    /// <summary>Integer attribute <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public long Int(string name, long fallback) => attributes.TryGetValue(name, out var a) ? a.I : fallback;

    /// <summary>Float attribute <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public float Float(string name, float fallback) => attributes.TryGetValue(name, out var a) ? a.F : fallback;

    /// <summary>String attribute <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    /// <summary>Integer-list attribute <paramref name="name"/>, or null.</summary>
    public long[]? Ints(string name) => attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    /// <summary>Float-list attribute <paramref name="name"/>, or null.</summary>
    public float[]? Floats(string name) => attributes.TryGetValue(name, out var a) ? a.Floats.ToArray() : null;

    /// <summary>Tensor attribute <paramref name="name"/>, or null.</summary>
    public TensorProto? TensorAttribute(string name) => attributes.TryGetValue(name, out var a) && a.T is not null ? a.T : null;

    /// <summary>Whether attribute <paramref name="name"/> is set.</summary>
    public bool HasAttribute(string name) => attributes.ContainsKey(name);

    /// <summary>The values of integer tensor <paramref name="tensor"/> (0-d or 1-d), or null when it is omitted.</summary>
    public static long[]? Longs(Tensor? tensor) =>
        tensor is null ? null : tensor.to_type(ScalarType.Int64).flatten().cpu().data<long>().ToArray();

    /// <summary>The values of float input <paramref name="tensor"/>, or null.</summary>
    public static float[]? Floats(Tensor? tensor) =>
        tensor is null ? null : tensor.to_type(ScalarType.Float32).flatten().cpu().data<float>().ToArray();

    /// <summary><paramref name="axis"/> made non-negative for a tensor of <paramref name="rank"/> dimensions.</summary>
    public int Axis(long axis, long rank)
    {
        long resolved = axis < 0 ? axis + rank : axis;
        if (resolved < 0 || resolved >= rank) throw Error($"axis {axis} is out of range for a tensor of rank {rank}");
        return (int)resolved;
    }
}
