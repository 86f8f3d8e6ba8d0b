using Lumen.Onnx.Proto;

namespace Lumen.Onnx.Graph;

/// <summary>
/// Folds the bias that tf2onnx and CNTK write as a node of its own (<c>Convolution28</c> then <c>Plus30</c>: an Add of
/// a constant [C, 1, 1]; <c>Times212</c> then <c>Plus214</c>: a MatMul by a constant matrix, then an Add of a constant
/// [K] or [1, K]) into the node before it, so the pair imports as one <c>Conv2d</c> or <c>Linear</c> with a bias, which
/// LRP and incremental occlusion know. A folded MatMul carries its bias as a third input, which only the importer's
/// MatMul reads. The file is not changed: the graph is read through the folded node list.
/// </summary>
internal static class BiasFolding
{
    /// <summary>
    /// The nodes of <paramref name="graph"/> with every bias-less Conv whose output only an Add of a constant per-channel
    /// bias reads merged with that Add (the Conv keeps its name and takes the Add's output); and, by output, the names of
    /// the Add nodes folded away.
    /// </summary>
    public static (IReadOnlyList<NodeProto> Nodes, IReadOnlyDictionary<string, string> Folded) Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.GroupBy(i => i.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var readers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string input in graph.Node.SelectMany(n => n.Input)) readers[input] = readers.GetValueOrDefault(input) + 1;
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var bias = new Dictionary<string, (NodeProto Add, string Bias)>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2 && n.Domain.Length == 0))
        {
            for (int side = 0; side < 2; side++)
            {
                string convOutput = node.Input[side], other = node.Input[1 - side];
                if (readers.GetValueOrDefault(convOutput) == 1 && !outputs.Contains(convOutput) && initializers.ContainsKey(other))
                    bias.TryAdd(convOutput, (node, other));
            }
        }

        var nodes = new List<NodeProto>(graph.Node.Count);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (removed.Contains(node)) continue;
            // A MatMul's right operand may be computed from constants (tf2onnx reshapes its weights): its bias is
            // checked against it when the node is lowered. A [K] or [1, K] bias adds to the product's last axis either way.
            if (node.Domain.Length == 0 && node.Input.Count == 2 && node.Output.Count == 1 && bias.TryGetValue(node.Output[0], out var add)
                && (node.OpType == "Conv" && initializers.TryGetValue(node.Input[1], out var weight) && weight.Dims.Count == 4 && IsPerChannel(initializers[add.Bias], weight.Dims[0])
                    || node.OpType == "MatMul" && IsRow(initializers[add.Bias])))
            {
                var merged = node.Clone();
                merged.Input.Add(add.Bias);
                merged.Output[0] = add.Add.Output[0];
                nodes.Add(merged);
                removed.Add(add.Add);
                folded[merged.Output[0]] = add.Add.Name;
                continue;
            }
            nodes.Add(node);
        }
        return (nodes, folded);
    }

    /// <summary>Whether <paramref name="bias"/> is float [K] or [1, K]: one value per column of a matrix product's output.</summary>
    private static bool IsRow(TensorProto bias)
    {
        var dims = bias.Dims.ToArray();
        bool shaped = dims.Length == 1 || dims.Length == 2 && dims[0] == 1;
        return shaped && bias.DataType == (int)TensorProto.Types.DataType.Float;
    }

    /// <summary>Whether <paramref name="bias"/> is float [C, 1, 1] or [1, C, 1, 1]: one value per output channel of a 2-d convolution.</summary>
    private static bool IsPerChannel(TensorProto bias, long channels)
    {
        var dims = bias.Dims.ToArray();
        bool shaped = dims.Length == 3 && dims[0] == channels && dims[1] == 1 && dims[2] == 1
                      || dims.Length == 4 && dims[0] == 1 && dims[1] == channels && dims[2] == 1 && dims[3] == 1;
        return shaped && bias.DataType == (int)TensorProto.Types.DataType.Float;
    }
}
