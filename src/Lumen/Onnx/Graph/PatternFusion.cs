using Lumen.Onnx.Proto;

namespace Lumen.Onnx.Graph;

/// <summary>
/// Recognises the subgraphs exporters write for operators that older opsets lack, and reads each as the one ONNX
/// operator it computes, so it imports as one layer (a TorchSharp <c>GELU</c>, <c>LayerNorm</c> or <c>Hardswish</c>):
/// <list type="bullet">
/// <item>GELU: <c>Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5</c> (PyTorch before opset 20) becomes <c>Gelu</c>;</item>
/// <item>layer normalisation: <c>ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt → Div → Mul γ [→ Add β]</c> over
/// the trailing axes (PyTorch before opset 17) becomes <c>LayerNormalization</c>;</item>
/// <item>hard swish: <c>HardSigmoid(α = 1/6, β = ½) → Mul x</c> (PyTorch before opset 14) becomes <c>HardSwish</c>.</item>
/// </list>
/// A pattern is fused only when its intermediate values have no other reader and are not graph outputs; the fused
/// node takes the last node's output and a name built from the nodes' common scope (e.g. <c>/block.4/Gelu</c>). It
/// also finds the gates: a <c>Mul</c> of two computed values exactly one of which a <c>Sigmoid</c> or
/// <c>HardSigmoid</c> produced (squeeze-and-excitation, SiLU written as x·σ(x)). The file is not changed.
/// </summary>
internal static class PatternFusion
{
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>
    /// The fused node list; by a gate Mul's output, the index of its gate input; and by a fused node's output, the
    /// file's nodes it replaces (<c>first … last</c>).
    /// </summary>
    public sealed record Result(IReadOnlyList<NodeProto> Nodes, IReadOnlyDictionary<string, int> Gates, IReadOnlyDictionary<string, string> Sources);

    /// <summary>Fuses the patterns in <paramref name="nodes"/> (the nodes of <paramref name="graph"/>, possibly with biases folded).</summary>
    public static Result Apply(IReadOnlyList<NodeProto> nodes, GraphProto graph)
    {
        var matcher = new Matcher(nodes, graph);
        var replaced = new Dictionary<NodeProto, NodeProto>(ReferenceEqualityComparer.Instance);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => IsDefault(n)))
        {
            var match = node.OpType switch
            {
                "Erf" => matcher.Gelu(node),
                "ReduceMean" => matcher.LayerNorm(node),
                "HardSigmoid" => matcher.HardSwish(node),
                _ => null,
            };
            if (match is null || match.Value.Nodes.Any(n => removed.Contains(n) || replaced.ContainsKey(n))) continue;
            var (parts, fused) = match.Value;
            foreach (var part in parts) removed.Add(part);
            replaced[parts[^1]] = fused;
            sources[fused.Output[0]] = $"{Describe(parts[0])} … {Describe(parts[^1])}";
        }
        var result = new List<NodeProto>(nodes.Count);
        foreach (var node in nodes)
        {
            if (replaced.TryGetValue(node, out var fused)) result.Add(fused);
            else if (!removed.Contains(node)) result.Add(node);
        }
        return new Result(result, Gates(result, matcher.Constants), sources);
    }

    private static string Describe(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? node.OpType;

    /// <summary>By output, the gate input's index of every Mul of two computed values one of which (only) a Sigmoid or HardSigmoid produced.</summary>
    private static Dictionary<string, int> Gates(IReadOnlyList<NodeProto> nodes, ProtoConstants constants)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (string output in node.Output.Where(o => o.Length > 0)) producers.TryAdd(output, node);
        }
        bool IsGate(string name) => producers.TryGetValue(name, out var p) && IsDefault(p) && p.OpType is "Sigmoid" or "HardSigmoid";
        var gates = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => n.OpType == "Mul" && IsDefault(n) && n.Input.Count == 2 && n.Output.Count == 1))
        {
            if (node.Input.Any(constants.IsConstant) || node.Input[0] == node.Input[1]) continue;
            bool first = IsGate(node.Input[0]), second = IsGate(node.Input[1]);
            if (first != second) gates[node.Output[0]] = first ? 0 : 1;
        }
        return gates;
    }

    private static bool IsDefault(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";

    private sealed class Matcher
    {
        private readonly Dictionary<string, List<NodeProto>> readers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
        private readonly HashSet<string> graphOutputs;

        public Matcher(IReadOnlyList<NodeProto> nodes, GraphProto graph)
        {
            Constants = new ProtoConstants(graph, nodes);
            graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                foreach (string input in node.Input.Where(i => i.Length > 0).Distinct())
                {
                    if (!readers.TryGetValue(input, out var list)) readers[input] = list = new List<NodeProto>();
                    list.Add(node);
                }
                foreach (string output in node.Output.Where(o => o.Length > 0)) producers.TryAdd(output, node);
            }
        }

        public ProtoConstants Constants { get; }

        /// <summary>Erf of Div(x, √2), plus one, times x, times ½.</summary>
        public (NodeProto[] Nodes, NodeProto Fused)? Gelu(NodeProto erf)
        {
            if (erf.Input.Count != 1 || !producers.TryGetValue(erf.Input[0], out var scale) || !IsDefault(scale) || SoleReader(scale) != erf) return null;
            string? x = scale.OpType switch
            {
                "Div" when Near(Constants.Scalar(scale.Input[1]), Sqrt2) => scale.Input[0],
                "Mul" => ConstantSide(scale, 1 / Sqrt2),
                _ => null,
            };
            if (x is null) return null;
            var plusOne = SoleReader(erf);
            if (plusOne is not { OpType: "Add" } || ConstantSide(plusOne, 1) != erf.Output[0]) return null;
            var product = SoleReader(plusOne);
            if (product is not { OpType: "Mul" } || Other(product, plusOne.Output[0]) != x) return null;
            var half = SoleReader(product);
            if (half is not { OpType: "Mul" } || ConstantSide(half, 0.5) != product.Output[0]) return null;
            var parts = new[] { scale, erf, plusOne, product, half };
            return (parts, Fused("Gelu", parts, new[] { x }));
        }

        /// <summary>(x − mean(x)) / √(mean((x − mean(x))²) + ε) · γ [+ β] over trailing axes.</summary>
        public (NodeProto[] Nodes, NodeProto Fused)? LayerNorm(NodeProto mean)
        {
            long[]? axes = TrailingAxes(mean);
            if (axes is null || mean.Input.Count < 1) return null;
            string x = mean.Input[0];
            var centre = SoleReader(mean);
            if (centre is not { OpType: "Sub" } || centre.Input.Count != 2 || centre.Input[0] != x || centre.Input[1] != mean.Output[0]) return null;
            if (Exposed(centre.Output[0]) || readers.GetValueOrDefault(centre.Output[0])?.Count != 2) return null;
            var square = readers[centre.Output[0]].FirstOrDefault(n => n.OpType == "Pow");
            var divide = readers[centre.Output[0]].FirstOrDefault(n => n.OpType == "Div");
            if (square is null || divide is null || square.Input[0] != centre.Output[0] || !Near(Constants.Scalar(square.Input[1]), 2)) return null;
            var variance = SoleReader(square);
            if (variance is not { OpType: "ReduceMean" } || TrailingAxes(variance) is not long[] same || !same.SequenceEqual(axes)) return null;
            var plusEps = SoleReader(variance);
            if (plusEps is not { OpType: "Add" } || plusEps.Input.Count != 2) return null;
            double? eps = Constants.Scalar(Other(plusEps, variance.Output[0]) ?? "");
            if (eps is not >= 0) return null;
            var root = SoleReader(plusEps);
            if (root is not { OpType: "Sqrt" } || SoleReader(root) != divide || divide.Input[0] != centre.Output[0] || divide.Input[1] != root.Output[0]) return null;
            var scale = SoleReader(divide);
            string? gamma = scale is { OpType: "Mul" } ? Other(scale, divide.Output[0]) : null;
            if (scale is null || gamma is null || !Constants.IsFloat(gamma)) return null;
            var shift = SoleReader(scale);
            string? beta = shift is { OpType: "Add" } ? Other(shift, scale.Output[0]) : null;
            bool biased = beta is not null && Constants.IsFloat(beta);
            var parts = new List<NodeProto> { mean, centre, square, variance, plusEps, root, divide, scale };
            if (biased) parts.Add(shift!);
            var inputs = biased ? new[] { x, gamma, beta! } : new[] { x, gamma };
            var fused = Fused("LayerNormalization", parts, inputs);
            fused.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axes[0] });
            fused.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = (float)eps.Value });
            return (parts.ToArray(), fused);
        }

        /// <summary>x · HardSigmoid(x) with α = 1/6 and β = ½ (PyTorch's hardswish).</summary>
        public (NodeProto[] Nodes, NodeProto Fused)? HardSwish(NodeProto gate)
        {
            var alpha = gate.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 0.2f;
            var beta = gate.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 0.5f;
            if (gate.Input.Count != 1 || Math.Abs(alpha - 1.0 / 6) > 1e-7 || beta != 0.5f) return null;
            var product = SoleReader(gate);
            if (product is not { OpType: "Mul" } || Other(product, gate.Output[0]) != gate.Input[0]) return null;
            var parts = new[] { gate, product };
            return (parts, Fused("HardSwish", parts, new[] { gate.Input[0] }));
        }

        /// <summary>The axes of a ReduceMean that keeps dimensions, if they are the trailing axes counted from the end (−k, …, −1).</summary>
        private long[]? TrailingAxes(NodeProto reduce)
        {
            if (!IsDefault(reduce) || reduce.Output.Count != 1) return null;
            if (reduce.Attribute.FirstOrDefault(a => a.Name == "keepdims") is { I: 0 }) return null;
            long[]? axes = reduce.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.ToArray();
            if (axes is null && reduce.Input.Count > 1) axes = Constants.Integers(reduce.Input[1]);
            if (axes is not { Length: > 0 }) return null;
            var sorted = axes.Order().ToArray();
            bool trailing = sorted[^1] == -1 && sorted.Select((a, i) => a == sorted[0] + i).All(ok => ok);
            return trailing ? sorted : null;
        }

        /// <summary>The node that alone reads <paramref name="node"/>'s only output (which is no graph output), or null.</summary>
        private NodeProto? SoleReader(NodeProto node)
        {
            if (node.Output.Count != 1 || Exposed(node.Output[0])) return null;
            var list = readers.GetValueOrDefault(node.Output[0]);
            return list is { Count: 1 } && IsDefault(list[0]) ? list[0] : null;
        }

        private bool Exposed(string value) => graphOutputs.Contains(value);

        /// <summary>The input of binary <paramref name="node"/> other than <paramref name="known"/>, or null.</summary>
        private static string? Other(NodeProto node, string known)
        {
            if (node.Input.Count != 2) return null;
            if (node.Input[0] == known) return node.Input[1];
            return node.Input[1] == known ? node.Input[0] : null;
        }

        /// <summary>The non-constant input of binary <paramref name="node"/> whose other input is the scalar <paramref name="value"/>, or null.</summary>
        private string? ConstantSide(NodeProto node, double value)
        {
            if (node.Input.Count != 2) return null;
            for (int side = 0; side < 2; side++)
            {
                if (Near(Constants.Scalar(node.Input[side]), value) && !Constants.IsConstant(node.Input[1 - side])) return node.Input[1 - side];
            }
            return null;
        }

        /// <summary>Whether <paramref name="value"/> equals <paramref name="expected"/> up to float32 rounding.</summary>
        private static bool Near(double? value, double expected) => value is double v && Math.Abs(v - expected) <= 1e-6 * Math.Abs(expected);

        private static NodeProto Fused(string opType, IReadOnlyList<NodeProto> parts, IEnumerable<string> inputs)
        {
            var fused = new NodeProto { OpType = opType, Name = FusedName(parts, opType) };
            fused.Input.AddRange(inputs);
            fused.Output.Add(parts[^1].Output[0]);
            return fused;
        }

        /// <summary>The nodes' common scope (their names up to the last '/' they share) followed by <paramref name="opType"/>, e.g. <c>/block.4/Gelu</c>.</summary>
        private static string FusedName(IReadOnlyList<NodeProto> parts, string opType)
        {
            if (parts.Any(p => p.Name.Length == 0)) return "";
            string prefix = parts.Select(p => p.Name).Aggregate((a, b) => a[..a.Zip(b).TakeWhile(pair => pair.First == pair.Second).Count()]);
            int scope = prefix.LastIndexOf('/');
            return scope >= 0 ? prefix[..(scope + 1)] + opType : parts[^1].Name + "_" + opType;
        }
    }
}
