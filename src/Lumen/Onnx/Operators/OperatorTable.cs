namespace Lumen.Onnx.Operators;

/// <summary>Every ONNX operator (default domain) the importer supports, by op_type.</summary>
internal static class OperatorTable
{
    private static readonly Dictionary<string, Func<NodeContext, Lowering>> Table = Build();

    /// <summary>The names of the supported operators, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Lowers the node of <paramref name="context"/>; an unsupported operator is a model error naming it and the node.</summary>
    public static Lowering Lower(NodeContext context)
    {
        string domain = context.Node.Domain;
        if (domain.Length > 0 && domain != "ai.onnx")
            throw new UnsupportedGraphException($"ONNX {context.Node.OpType} node '{context.DisplayName}': operator domain '{domain}' is not supported (only the default ONNX domain is)");
        if (!Table.TryGetValue(context.Node.OpType, out var lower))
            throw new UnsupportedGraphException($"ONNX operator '{context.Node.OpType}' (node '{context.DisplayName}') is not supported by the importer; supported: {string.Join(", ", Names)}");
        return lower(context);
    }

    private static Dictionary<string, Func<NodeContext, Lowering>> Build()
    {
        var table = new Dictionary<string, Func<NodeContext, Lowering>>(StringComparer.Ordinal);
        ConvolutionOps.Register(table);
        ActivationOps.Register(table);
        PoolingOps.Register(table);
        ElementwiseOps.Register(table);
        ShapeOps.Register(table);
        ResizeOps.Register(table);
        return table;
    }
}
