using Lumen.Onnx.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// Add, Sub, Mul, Div, Pow (with numpy broadcasting; integer division truncates), the unary Sqrt, Exp, Log, Abs, Neg,
/// Reciprocal and Erf, Equal, Where, Mod (integer or fmod), ReduceMean and Cast.
/// </summary>
internal static class ElementwiseOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Add"] = context => WithConstant(context, Lowering.Single(x => x[0]! + x[1]!), ConstantOperation.Add, ConstantOperation.Add);
        table["Sub"] = context => WithConstant(context, Lowering.Single(x => x[0]! - x[1]!), ConstantOperation.Subtract, ConstantOperation.SubtractFrom);
        table["Mul"] = context => WithConstant(context, Lowering.Single(x => x[0]! * x[1]!), ConstantOperation.Multiply, ConstantOperation.Multiply);
        table["Div"] = context => WithConstant(context, Lowering.Single(x => IsInteger(x[0]!) && IsInteger(x[1]!)
            ? TruncatedDivision(x[0]!, x[1]!)
            : x[0]! / x[1]!), ConstantOperation.Divide, null);
        table["Pow"] = _ => Lowering.Single(x => x[0]!.pow(x[1]!.to_type(x[0]!.dtype)));
        table["Sqrt"] = _ => Lowering.Single(x => x[0]!.sqrt());
        table["Exp"] = _ => Lowering.Single(x => x[0]!.exp());
        table["Log"] = _ => Lowering.Single(x => x[0]!.log());
        table["Abs"] = _ => Lowering.Single(x => x[0]!.abs());
        table["Neg"] = _ => Lowering.Single(x => x[0]!.neg());
        table["Reciprocal"] = _ => Lowering.Single(x => x[0]!.reciprocal());
        table["Erf"] = _ => Lowering.Single(x => x[0]!.erf());
        table["Equal"] = _ => Lowering.Single(x => x[0]!.eq(x[1]!));
        table["Not"] = _ => Lowering.Single(x => torch.logical_not(x[0]!));
        table["Where"] = _ => Lowering.Single(x => torch.where(x[0]!.to_type(ScalarType.Bool), x[1]!, x[2]!));
        table["Mod"] = context => context.Int("fmod", 0) != 0
            ? Lowering.Single(x => x[0]!.fmod(x[1]!))
            : Lowering.Single(x => x[0]!.remainder(x[1]!));
        table["ReduceMean"] = ReduceMean;
        table["Cast"] = Cast;
    }

    /// <summary>
    /// <paramref name="lowering"/>, marked as an affine map of its computed input when exactly one input is a
    /// floating-point constant that broadcasts over the batch (<paramref name="constantSecond"/> when the constant is
    /// the second input, <paramref name="constantFirst"/> when it is the first; null if that order is not affine).
    /// </summary>
    private static Lowering WithConstant(NodeContext context, Lowering lowering, ConstantOperation constantSecond, ConstantOperation? constantFirst)
    {
        if (context.InputCount != 2 || !context.Has(0) || !context.Has(1)) return lowering;
        for (int side = 0; side < 2; side++)
        {
            Tensor? constant = context.Constant(side);
            if (constant is null || context.Constant(1 - side) is not null) continue;
            Tensor data = context.Example(1 - side);
            ConstantOperation? operation = side == 1 ? constantSecond : constantFirst;
            if (operation is null || !constant.is_floating_point() || !data.is_floating_point() || data.dim() == 0) return lowering;
            // The constant must not span the batch axis (a scalar computed value, such as shape arithmetic, has none).
            bool batchFree = constant.dim() < data.dim() || constant.dim() == data.dim() && constant.shape[0] == 1;
            if (!batchFree) return lowering;
            return new Lowering(lowering.Kernel) { Affine = (operation.Value, side) };
        }
        return lowering;
    }

    /// <summary>
    /// Integer division rounding toward zero, as ONNX (and C) define it: |a| floor-divided by |b|, with the sign of a·b.
    /// Not torch.div(a, b, RoundingMode.trunc): TorchSharp 0.107 divides exactly there and returns floats, which made
    /// exporters' shape arithmetic such as (n + 2) / 3 fractional.
    /// </summary>
    private static Tensor TruncatedDivision(Tensor a, Tensor b) => torch.floor_divide(a.abs(), b.abs()) * (a.sign() * b.sign());

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
