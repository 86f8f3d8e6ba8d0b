namespace Lumen.Onnx.Graph;

/// <summary>
/// The names the file gives the imported layers: each layer's ONNX node name and output tensor name, mapped to the
/// layer's module name (which has '/', '.' and ':' replaced). A name that two layers could claim, or that is another
/// layer's module name, is left out rather than guessed.
/// </summary>
internal sealed class LayerAliasTable
{
    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> sources = new(StringComparer.Ordinal);
    private readonly HashSet<string> ambiguous = new(StringComparer.Ordinal);

    /// <summary>Other name → layer name.</summary>
    public IReadOnlyDictionary<string, string> Aliases => aliases;

    /// <summary>
    /// Records that layer <paramref name="layer"/> is node <paramref name="nodeName"/> (may be empty) with output
    /// <paramref name="outputName"/>, and also node <paramref name="foldedNode"/> when one was folded into it (a bias Add).
    /// A layer fused from several nodes names them in <paramref name="fusedFrom"/> (e.g. <c>/ln/ReduceMean … /ln/Add_1</c>)
    /// for its source name; its node name is then Lumen's, not the file's.
    /// </summary>
    public void Add(string layer, string nodeName, string outputName, string? foldedNode = null, string? fusedFrom = null)
    {
        foreach (string name in new[] { nodeName, foldedNode ?? "", outputName }.Where(n => n.Length > 0 && n != layer).Distinct())
        {
            if (ambiguous.Contains(name)) continue;
            if (aliases.TryGetValue(name, out string? other) && other != layer)
            {
                aliases.Remove(name);
                ambiguous.Add(name);
                continue;
            }
            aliases[name] = layer;
        }
        string nodes = fusedFrom is { Length: > 0 } ? $"{fusedFrom} (fused)" : foldedNode is { Length: > 0 } ? $"{nodeName} + {foldedNode}" : nodeName;
        sources[layer] = nodes.Length > 0 && nodes != outputName ? $"{nodes} -> {outputName}" : outputName;
    }

    /// <summary>Drops aliases equal to a layer's own module name (module names always win).</summary>
    public void RemoveLayerNames(IEnumerable<string> layers)
    {
        foreach (string layer in layers) aliases.Remove(layer);
    }

    /// <summary>How the file names <paramref name="layer"/>, or null.</summary>
    public string? SourceName(string layer) => sources.TryGetValue(layer, out string? source) ? source : null;
}
