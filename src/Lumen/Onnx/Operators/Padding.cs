using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// The spatial padding of a convolution or pooling node: explicit <c>pads</c> [begin..., end...] or <c>auto_pad</c>
/// (SAME_UPPER, SAME_LOWER, VALID) resolved for the input size the model takes.
/// </summary>
internal sealed record Padding(long[] Begin, long[] End)
{
    /// <summary>Whether every axis pads the same at both ends.</summary>
    public bool Symmetric => Begin.SequenceEqual(End);

    /// <summary>Padding in <c>torch.nn.functional.pad</c> order (last axis first, begin then end).</summary>
    public long[] TorchOrder()
    {
        var order = new List<long>();
        for (int axis = Begin.Length - 1; axis >= 0; axis--)
        {
            order.Add(Begin[axis]);
            order.Add(End[axis]);
        }
        return order.ToArray();
    }

    /// <summary>Reads the padding of <paramref name="context"/> for kernel <paramref name="kernel"/>, strides and dilations.</summary>
    public static Padding Of(NodeContext context, long[] inputSpatial, long[] kernel, long[] strides, long[] dilations)
    {
        int n = kernel.Length;
        string autoPad = context.Text("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
                long[] pads = context.Ints("pads") ?? new long[2 * n];
                if (pads.Length != 2 * n || pads.Any(p => p < 0)) throw context.Error($"pads [{string.Join(", ", pads)}] do not fit a {n}-d kernel");
                return new Padding(pads[..n], pads[n..]);
            case "VALID":
                return new Padding(new long[n], new long[n]);
            case "SAME_UPPER":
            case "SAME_LOWER":
                var begin = new long[n];
                var end = new long[n];
                for (int i = 0; i < n; i++)
                {
                    long output = (inputSpatial[i] + strides[i] - 1) / strides[i];
                    long total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inputSpatial[i]);
                    long small = total / 2;
                    begin[i] = autoPad == "SAME_UPPER" ? small : total - small;
                    end[i] = total - begin[i];
                }
                return new Padding(begin, end);
            default:
                throw context.Error($"auto_pad '{autoPad}' is not an ONNX value (NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
        }
    }

    /// <summary>Whether nothing is padded.</summary>
    public bool IsZero => Begin.All(p => p == 0) && End.All(p => p == 0);

    /// <summary>This 2-d padding as a <see cref="Lumen.Models.Architectures.Pad2d"/> layer adding <paramref name="value"/>.</summary>
    public Lumen.Models.Architectures.Pad2d Layer(double value) => new(Begin[0], End[0], Begin[1], End[1], value);

    /// <summary>
    /// <paramref name="operation"/> (a standard layer without padding of its own) behind this padding as one layer:
    /// a Sequential of <c>pad</c> (<see cref="Lumen.Models.Architectures.Pad2d"/>) and <paramref name="name"/>, or
    /// the operation alone when nothing is padded.
    /// </summary>
    public nn.Module<Tensor, Tensor> InFrontOf(string name, nn.Module<Tensor, Tensor> operation, double value) =>
        IsZero ? operation : nn.Sequential(("pad", Layer(value)), (name, operation));

    /// <summary>Pads <paramref name="input"/> by this padding with <paramref name="value"/>.</summary>
    public Tensor Apply(Tensor input, double value) =>
        IsZero ? input : nn.functional.pad(input, TorchOrder(), PaddingModes.Constant, value);
}
