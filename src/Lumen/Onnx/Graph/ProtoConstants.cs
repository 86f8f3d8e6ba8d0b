using System.Buffers.Binary;
using Lumen.Onnx.Proto;

namespace Lumen.Onnx.Graph;

/// <summary>
/// The small constant values of a graph (initializers and <c>Constant</c> nodes) read straight from the file, for
/// pattern matching before the import computes anything: single floating-point numbers and short integer lists.
/// </summary>
internal sealed class ProtoConstants
{
    private readonly Dictionary<string, TensorProto> tensors = new(StringComparer.Ordinal);

    /// <summary>Collects the initializers of <paramref name="graph"/> and the values of its <c>Constant</c> nodes.</summary>
    public ProtoConstants(GraphProto graph, IEnumerable<NodeProto> nodes)
    {
        foreach (var initializer in graph.Initializer) tensors.TryAdd(initializer.Name, initializer);
        foreach (var node in nodes.Where(n => n.OpType == "Constant" && n.Domain.Length == 0 && n.Output.Count == 1))
        {
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value");
            if (value?.T is not null) tensors.TryAdd(node.Output[0], value.T);
        }
    }

    /// <summary>Whether <paramref name="name"/> is an initializer or a Constant node's output.</summary>
    public bool IsConstant(string name) => tensors.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> is a constant floating-point tensor.</summary>
    public bool IsFloat(string name) => tensors.TryGetValue(name, out var t)
        && (TensorProto.Types.DataType)t.DataType is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double;

    /// <summary>The value of <paramref name="name"/> if it is a constant float or double tensor of one element held in the file; else null.</summary>
    public double? Scalar(string name)
    {
        if (!tensors.TryGetValue(name, out var t) || t.Dims.Aggregate(1L, (a, b) => a * b) != 1 || t.DataLocation == TensorProto.Types.DataLocation.External) return null;
        var raw = t.RawData.ToByteArray();
        return (TensorProto.Types.DataType)t.DataType switch
        {
            TensorProto.Types.DataType.Float when t.FloatData.Count == 1 => t.FloatData[0],
            TensorProto.Types.DataType.Float when raw.Length == 4 => BinaryPrimitives.ReadSingleLittleEndian(raw),
            TensorProto.Types.DataType.Double when t.DoubleData.Count == 1 => t.DoubleData[0],
            TensorProto.Types.DataType.Double when raw.Length == 8 => BinaryPrimitives.ReadDoubleLittleEndian(raw),
            _ => null,
        };
    }

    /// <summary>The values of <paramref name="name"/> if it is a constant int64 tensor of at most 8 elements held in the file; else null.</summary>
    public long[]? Integers(string name)
    {
        if (!tensors.TryGetValue(name, out var t) || t.DataType != (int)TensorProto.Types.DataType.Int64 || t.DataLocation == TensorProto.Types.DataLocation.External) return null;
        if (t.Int64Data.Count > 0) return t.Int64Data.Count <= 8 ? t.Int64Data.ToArray() : null;
        var raw = t.RawData.ToByteArray();
        if (raw.Length % 8 != 0 || raw.Length > 64) return null;
        return Enumerable.Range(0, raw.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8 * i))).ToArray();
    }
}
