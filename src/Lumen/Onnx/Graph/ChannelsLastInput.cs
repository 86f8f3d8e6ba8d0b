using Lumen.Onnx.Proto;

namespace Lumen.Onnx.Graph;

/// <summary>
/// A channels-last image input (a Keras model through tf2onnx declares [N, H, W, C]) that nothing reads except
/// Transposes to channels-first (perm [0, 3, 1, 2]) is taken channels-first like every other image model: the parsed
/// graph declares its input [N, C, H, W] and those Transposes become Identity, so images, layers and maps keep Lumen's
/// [N, C, H, W]. The file is not changed; ONNX Runtime, which runs the file itself, is handed its input transposed
/// back to channels-last.
/// </summary>
internal static class ChannelsLastInput
{
    private static readonly long[] ToChannelsFirst = { 0, 3, 1, 2 };

    /// <summary>Whether <paramref name="input"/> of <paramref name="graph"/> is read only by Transposes to channels-first.</summary>
    public static bool Applies(GraphProto graph, ValueInfoProto input)
    {
        if (input.Type?.TensorType?.Shape?.Dim is not { Count: 4 }) return false;
        if (graph.Output.Any(output => output.Name == input.Name)) return false;
        var readers = graph.Node.Where(node => node.Input.Contains(input.Name)).ToList();
        return readers.Count > 0 && readers.All(node => node.OpType == "Transpose" && node.Domain.Length == 0 && node.Input.Count == 1
            && node.Attribute.SingleOrDefault(a => a.Name == "perm") is { } perm && perm.Ints.SequenceEqual(ToChannelsFirst));
    }

    /// <summary>
    /// Declares <paramref name="input"/> channels-first and turns its Transposes into Identity when
    /// <see cref="Applies"/>; returns whether it did.
    /// </summary>
    public static bool Apply(GraphProto graph, ValueInfoProto input)
    {
        if (!Applies(graph, input)) return false;
        var dims = input.Type.TensorType.Shape.Dim;
        var (batch, height, width, channels) = (dims[0], dims[1], dims[2], dims[3]);
        dims.Clear();
        dims.Add(new[] { batch, channels, height, width });
        foreach (var node in graph.Node.Where(node => node.Input.Contains(input.Name)))
        {
            node.OpType = "Identity";
            node.Attribute.Clear();
        }
        return true;
    }
}
