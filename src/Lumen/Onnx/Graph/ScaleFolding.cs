using Lumen.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// Folds a constant scaling written as a node of its own into the weights of the Conv, Gemm or MatMul before it
/// (classic exporters write a BatchNorm as Mul then Add; others a scale after a matrix product): a Mul or Div by a
/// scalar, or by one value per output channel ([C, 1, 1] or [1, C, 1, 1] after a Conv; [K] or [1, K] after a Gemm or
/// MatMul), becomes weights W·c (W/c) and bias b·c (b/c) in new initializers, and the product node takes the scaling's
/// output; a bias Add after it is then folded by <see cref="BiasFolding"/>. Only when the product's output has no other
/// reader and is no graph output, and its weights (and bias) are constants. The file is not changed: the import reads
/// a graph whose node list and initializers are the folded ones.
/// </summary>
internal static class ScaleFolding
{
    /// <summary>
    /// The graph to import (<paramref name="graph"/> itself when nothing folds) and, by output, the names of the Mul and
    /// Div nodes folded away. The new initializers are reserved in <paramref name="budget"/>.
    /// </summary>
    public static (GraphProto Graph, IReadOnlyDictionary<string, string> Folded) Apply(GraphProto graph, string folder, ImportBudget budget)
    {
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer) constants.TryAdd(initializer.Name, initializer);
        var initializers = new HashSet<string>(constants.Keys, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && IsDefault(n) && n.Output.Count == 1))
        {
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value) constants.TryAdd(node.Output[0], value);
        }
        var readers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string input in graph.Node.SelectMany(n => n.Input.Distinct())) readers[input] = readers.GetValueOrDefault(input) + 1;
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => IsDefault(n) && n.OpType is "Conv" or "Gemm" or "MatMul" && n.Output.Count == 1)) producers[node.Output[0]] = node;

        var merged = new Dictionary<NodeProto, NodeProto>(ReferenceEqualityComparer.Instance);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var added = new List<TensorProto>();
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => IsDefault(n) && n.OpType is "Mul" or "Div" && n.Input.Count == 2 && n.Output.Count == 1))
        {
            for (int side = 0; side < (node.OpType == "Mul" ? 2 : 1); side++)
            {
                string product = node.Input[side], factor = node.Input[1 - side];
                if (!producers.TryGetValue(product, out var producer) || merged.ContainsKey(producer) || readers.GetValueOrDefault(product) != 1 || outputs.Contains(product)) continue;
                if (!constants.TryGetValue(factor, out var scale) || !IsFloat(scale)) continue;
                var tensors = Fold(producer, scale, node.OpType == "Div", constants, initializers, folder);
                if (tensors is null) continue;
                var replacement = producer.Clone();
                replacement.Output[0] = node.Output[0];
                foreach (var (index, tensor) in tensors)
                {
                    string name = $"{producer.Input[index]}:{node.Output[0]}";
                    budget.Reserve(tensor.RawData.Length, 1, $"the weights of ONNX {producer.OpType} node '{producer.Name}' with the scale '{node.Name}' folded in");
                    tensor.Name = name;
                    added.Add(tensor);
                    while (replacement.Input.Count <= index) replacement.Input.Add("");
                    replacement.Input[index] = name;
                }
                merged[producer] = replacement;
                removed.Add(node);
                folded[node.Output[0]] = node.Name;
                break;
            }
        }
        if (merged.Count == 0) return (graph, folded);

        var result = new GraphProto { Name = graph.Name };
        result.Input.AddRange(graph.Input);
        result.Output.AddRange(graph.Output);
        result.ValueInfo.AddRange(graph.ValueInfo);
        result.Initializer.AddRange(graph.Initializer);
        result.Initializer.AddRange(added);
        foreach (var node in graph.Node)
        {
            if (removed.Contains(node)) continue;
            result.Node.Add(merged.TryGetValue(node, out var replacement) ? replacement : node);
        }
        return (result, folded);
    }

    /// <summary>
    /// The new weight (input 1) and bias (input 2, when there is one) of <paramref name="producer"/> with
    /// <paramref name="scale"/> multiplied in (divided, if <paramref name="divides"/>), or null if it cannot be folded.
    /// </summary>
    private static List<(int Index, TensorProto Tensor)>? Fold(NodeProto producer, TensorProto scale, bool divides,
        Dictionary<string, TensorProto> constants, HashSet<string> initializers, string folder)
    {
        if (producer.Input.Count < 2 || !initializers.Contains(producer.Input[1]) || !IsFloat(constants[producer.Input[1]])) return null;
        bool biased = producer.Input.Count > 2 && producer.Input[2].Length > 0;
        if (biased && (!initializers.Contains(producer.Input[2]) || !IsFloat(constants[producer.Input[2]]))) return null;
        long[] dims = scale.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor weight = TensorData.ToTensor(constants[producer.Input[1]], folder);
        Tensor factor = TensorData.ToTensor(scale, folder).flatten();
        Tensor? bias = biased ? TensorData.ToTensor(constants[producer.Input[2]], folder) : null;
        // The output axis of the weight: Conv [out, in, kh, kw] axis 0; Gemm B [in, out] axis 1, or [out, in] with transB; MatMul B [in, out] axis 1.
        int axis;
        long channels;
        switch (producer.OpType)
        {
            case "Conv" when weight.dim() == 4:
                axis = 0;
                channels = weight.shape[0];
                bool perChannel = dims.Length == 3 && dims[0] == channels && dims[1] == 1 && dims[2] == 1
                                  || dims.Length == 4 && dims[0] == 1 && dims[1] == channels && dims[2] == 1 && dims[3] == 1;
                if (count != 1 && !perChannel) return null;
                break;
            case "Gemm" when weight.dim() == 2 && producer.Attribute.All(a => a.Name != "transA" || a.I == 0):
            case "MatMul" when weight.dim() == 2:
                bool transposed = producer.OpType == "Gemm" && producer.Attribute.Any(a => a.Name == "transB" && a.I != 0);
                axis = transposed ? 0 : 1;
                channels = weight.shape[axis];
                bool perColumn = dims.Length == 1 && dims[0] == channels || dims.Length == 2 && dims[0] == 1 && dims[1] == channels;
                if (count != 1 && !perColumn) return null;
                break;
            default:
                return null;
        }
        long[] shape = Enumerable.Repeat(1L, (int)weight.dim()).ToArray();
        shape[axis] = -1;
        Tensor along = count == 1 ? factor.reshape(Array.Empty<long>()) : factor.reshape(shape);
        var result = new List<(int, TensorProto)> { (1, TensorData.FromTensor("", divides ? weight / along : weight * along)) };
        if (bias is not null)
        {
            // A Gemm's C broadcasts to [M, K]: scaled per column it must hold one value per column.
            Tensor perColumn = count == 1 ? factor.reshape(Array.Empty<long>()) : factor;
            if (count != 1 && bias.numel() != channels) return null;
            Tensor flat = count == 1 ? bias : bias.flatten();
            result.Add((2, TensorData.FromTensor("", (divides ? flat / perColumn : flat * perColumn).reshape(count == 1 ? bias.shape : new[] { channels }))));
        }
        return result;
    }

    private static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)TensorProto.Types.DataType.Float;

    private static bool IsDefault(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";
}
