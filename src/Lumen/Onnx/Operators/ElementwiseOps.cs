using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>Add, Sub, Mul, Div (with numpy broadcasting; integer division truncates), ReduceMean and Cast.</summary>
internal static class ElementwiseOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Add"] = _ => Lowering.Single(x => x[0]! + x[1]!);
        table["Sub"] = _ => Lowering.Single(x => x[0]! - x[1]!);
        table["Mul"] = _ => Lowering.Single(x => x[0]! * x[1]!);
        table["Div"] = _ => Lowering.Single(x => IsInteger(x[0]!) && IsInteger(x[1]!)
            ? torch.div(x[0]!, x[1]!, RoundingMode.trunc)
            : x[0]! / x[1]!);
        table["ReduceMean"] = ReduceMean;
        table["Cast"] = Cast;
    }

    private static bool IsInteger(Tensor t) => t.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    private static Lowering ReduceMean(NodeContext context)
    {
        bool keep = context.Int("keepdims", 1) != 0;
        long[]? axes = context.Opset >= 18 ? NodeContext.Longs(context.Constant(1)) : context.Ints("axes");
        if (context.Opset >= 18 && context.Has(1) && context.Constant(1) is null) throw context.Error("axes must be a constant");
        long rank = context.Example(0).dim();
        if (axes is null || axes.Length == 0)
        {
            if (context.Int("noop_with_empty_axes", 0) != 0) return Lowering.Single(x => x[0]!.alias(), shapeOnly: true);
            axes = Enumerable.Range(0, (int)rank).Select(a => (long)a).ToArray();
        }
        long[] resolved = axes.Select(a => (long)context.Axis(a, rank)).ToArray();
        return Lowering.Single(x => x[0]!.mean(resolved, keepdim: keep));
    }

    private static Lowering Cast(NodeContext context)
    {
        var to = (Proto.TensorProto.Types.DataType)context.Int("to", 0);
        ScalarType type = to switch
        {
            Proto.TensorProto.Types.DataType.Float or Proto.TensorProto.Types.DataType.Double or Proto.TensorProto.Types.DataType.Float16 => ScalarType.Float32,
            Proto.TensorProto.Types.DataType.Bool => ScalarType.Bool,
            Proto.TensorProto.Types.DataType.Int8 or Proto.TensorProto.Types.DataType.Int16 or Proto.TensorProto.Types.DataType.Int32
                or Proto.TensorProto.Types.DataType.Int64 or Proto.TensorProto.Types.DataType.Uint8 or Proto.TensorProto.Types.DataType.Uint16
                or Proto.TensorProto.Types.DataType.Uint32 or Proto.TensorProto.Types.DataType.Uint64 => ScalarType.Int64,
            _ => throw context.Error($"casting to {to} is not supported"),
        };
        return Lowering.Single(x => x[0]!.to_type(type));
    }
}
