using Lumen.Onnx.Proto;

namespace Lumen.Onnx.Graph;

/// <summary>
/// Exporters that find two equal weights (PyTorch 1.13 does, for example for zero LayerNorm shifts) store one
/// initializer and give the others as <c>Identity</c> nodes of it. Readers of such an alias are pointed at the
/// initializer itself and the Identity is dropped, so that every pattern that needs a constant (bias and scale folding,
/// LayerNorm and GELU fusion, constant affine layers) sees one, however the file spells it. The file is not changed.
/// </summary>
internal static class InitializerAliases
{
    /// <summary>Rewrites <paramref name="graph"/> in place; returns how many aliases were resolved.</summary>
    public static int Resolve(GraphProto graph)
    {
        var initializers = new HashSet<string>(graph.Initializer.Select(i => i.Name), StringComparer.Ordinal);
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Identity" && node.Domain.Length == 0 && node.Input.Count == 1 && node.Output.Count == 1
                && initializers.Contains(node.Input[0]) && !outputs.Contains(node.Output[0]) && !initializers.Contains(node.Output[0]))
                aliases[node.Output[0]] = node.Input[0];
        }
        if (aliases.Count == 0) return 0;
        var kept = graph.Node.Where(node => !(node.OpType == "Identity" && node.Output.Count == 1 && aliases.ContainsKey(node.Output[0]))).ToList();
        foreach (var node in kept)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (aliases.TryGetValue(node.Input[i], out string? original)) node.Input[i] = original;
            }
        }
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        return aliases.Count;
    }
}
