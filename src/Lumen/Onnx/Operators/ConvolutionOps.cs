using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>Conv, ConvTranspose, Gemm and MatMul: Conv2d, ConvTranspose2d and Linear modules when the weights are constants.</summary>
internal static class ConvolutionOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Conv"] = Conv;
        table["ConvTranspose"] = ConvTranspose;
        table["Gemm"] = Gemm;
        table["MatMul"] = MatMul;
    }

    private static (long[] Kernel, long[] Strides, long[] Dilations, long Groups) Geometry(NodeContext context, Tensor weight)
    {
        long[] kernel = weight.shape[2..];
        if (context.Ints("kernel_shape") is long[] stated && !stated.SequenceEqual(kernel))
            throw context.Error($"kernel_shape [{string.Join(", ", stated)}] does not match the weight's [{string.Join(", ", kernel)}]");
        long[] strides = context.Ints("strides") ?? Enumerable.Repeat(1L, kernel.Length).ToArray();
        long[] dilations = context.Ints("dilations") ?? Enumerable.Repeat(1L, kernel.Length).ToArray();
        if (strides.Length != kernel.Length || dilations.Length != kernel.Length || strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
            throw context.Error("strides and dilations must be positive, one per spatial axis");
        return (kernel, strides, dilations, context.Int("group", 1));
    }

    private static Lowering Conv(NodeContext context)
    {
        Tensor x = context.Example(0);
        Tensor weight = context.Example(1);
        if (weight.dim() != 4 || x.dim() != 4)
            throw context.Error($"only 2-d convolutions of [N, C, H, W] inputs are supported, got a weight of rank {weight.dim()}");
        var (kernel, strides, dilations, groups) = Geometry(context, weight);
        if (groups <= 0 || x.shape[1] != weight.shape[1] * groups)
            throw context.Error($"input channels {x.shape[1]} do not match weight [{string.Join(", ", weight.shape)}] with group {groups}");
        var padding = Padding.Of(context, x.shape[2..], kernel, strides, dilations);
        Tensor[] Compute(IReadOnlyList<Tensor?> inputs) => new[]
        {
            nn.functional.conv2d(padding.Symmetric ? inputs[0]! : padding.Apply(inputs[0]!, 0), inputs[1]!, inputs.Count > 2 ? inputs[2]?.flatten() : null,
                strides, padding.Symmetric ? padding.Begin : new long[2], dilations, groups),
        };
        Tensor? w = context.Constant(1);
        Tensor? bias = context.Constant(2);
        bool constantWeights = w is not null && (!context.Has(2) || bias is not null);
        if (!constantWeights) return new Lowering(Compute);
        // Symmetric padding stays inside Conv2d; any other is a Pad2d layer in front of an unpadded Conv2d.
        long[] own = padding.Symmetric ? padding.Begin : new long[2];
        return new Lowering(Compute, () =>
        {
            var conv = nn.Conv2d(weight.shape[1] * groups, weight.shape[0], (kernel[0], kernel[1]), stride: (strides[0], strides[1]),
                padding: (own[0], own[1]), dilation: (dilations[0], dilations[1]), groups: groups, bias: bias is not null);
            Copy(conv.weight!, w!);
            if (bias is not null) Copy(conv.bias!, bias);
            return padding.Symmetric ? conv : padding.InFrontOf("conv", conv, 0);
        });
    }

    private static Lowering ConvTranspose(NodeContext context)
    {
        Tensor x = context.Example(0);
        Tensor weight = context.Example(1);
        if (weight.dim() != 4 || x.dim() != 4)
            throw context.Error($"only 2-d transposed convolutions are supported, got a weight of rank {weight.dim()}");
        var (kernel, strides, dilations, groups) = Geometry(context, weight);
        if (context.Text("auto_pad", "NOTSET") != "NOTSET" || context.HasAttribute("output_shape"))
            throw context.Error("auto_pad and output_shape are not supported for ConvTranspose; export with explicit pads");
        long[] pads = context.Ints("pads") ?? new long[4];
        if (pads.Length != 4 || pads[0] != pads[2] || pads[1] != pads[3])
            throw context.Error($"asymmetric pads [{string.Join(", ", pads)}] are not supported for ConvTranspose");
        long[] outputPadding = context.Ints("output_padding") ?? new long[2];
        Tensor[] Compute(IReadOnlyList<Tensor?> inputs) => new[]
        {
            nn.functional.conv_transpose2d(inputs[0]!, inputs[1]!, inputs.Count > 2 ? inputs[2] : null, strides, new[] { pads[0], pads[1] },
                outputPadding, dilations, groups),
        };
        Tensor? w = context.Constant(1);
        Tensor? bias = context.Constant(2);
        if (w is null || context.Has(2) && bias is null) return new Lowering(Compute);
        return new Lowering(Compute, () =>
        {
            var conv = nn.ConvTranspose2d(weight.shape[0], weight.shape[1] * groups, (kernel[0], kernel[1]), stride: (strides[0], strides[1]),
                padding: (pads[0], pads[1]), output_padding: (outputPadding[0], outputPadding[1]), dilation: (dilations[0], dilations[1]),
                groups: groups, bias: bias is not null);
            Copy(conv.weight!, w);
            if (bias is not null) Copy(conv.bias!, bias);
            return conv;
        });
    }

    private static Lowering Gemm(NodeContext context)
    {
        float alpha = context.Float("alpha", 1f);
        float beta = context.Float("beta", 1f);
        bool transA = context.Int("transA", 0) != 0;
        bool transB = context.Int("transB", 0) != 0;
        if (context.Example(0).dim() != 2 || context.Example(1).dim() != 2) throw context.Error("Gemm needs 2-d inputs A and B");
        Tensor[] Compute(IReadOnlyList<Tensor?> inputs)
        {
            Tensor a = transA ? inputs[0]!.t() : inputs[0]!;
            Tensor b = transB ? inputs[1]!.t() : inputs[1]!;
            Tensor y = a.matmul(b);
            if (alpha != 1f) y = y * alpha;
            if (inputs.Count > 2 && inputs[2] is Tensor c) y = y + (beta == 1f ? c : c * beta);
            return new[] { y };
        }
        Tensor? weight = context.Constant(1);
        Tensor? bias = context.Constant(2);
        if (transA || weight is null || context.Has(2) && (bias is null || bias.numel() != (transB ? weight.shape[0] : weight.shape[1]) && bias.numel() != 1))
            return new Lowering(Compute);
        return new Lowering(Compute, () =>
        {
            using var scope = NewDisposeScope();
            Tensor w = (transB ? weight : weight.t()) * alpha;
            var linear = nn.Linear(w.shape[1], w.shape[0], hasBias: bias is not null);
            Copy(linear.weight!, w);
            if (bias is not null) Copy(linear.bias!, bias.flatten().expand(w.shape[0]) * beta);
            return linear;
        });
    }

    private static Lowering MatMul(NodeContext context)
    {
        // A third input is a bias folded in from the Add after the product (see Graph.BiasFolding), not ONNX's.
        Kernel compute = inputs => new[] { inputs.Count > 2 && inputs[2] is { } b ? inputs[0]!.matmul(inputs[1]!) + b.flatten() : inputs[0]!.matmul(inputs[1]!) };
        Tensor? weight = context.Constant(1);
        Tensor? bias = context.Constant(2);
        if (weight is null || weight.dim() != 2 || context.Example(0).dim() < 2 || context.Has(2) && (bias is null || bias.numel() != weight.shape[1]))
            return new Lowering(compute);
        return new Lowering(compute, () =>
        {
            var linear = nn.Linear(weight.shape[0], weight.shape[1], hasBias: bias is not null);
            Copy(linear.weight!, weight.t());
            if (bias is not null) Copy(linear.bias!, bias);
            return linear;
        });
    }

    /// <summary>Copies <paramref name="value"/> into <paramref name="parameter"/> (same number of elements).</summary>
    public static void Copy(Tensor parameter, Tensor value)
    {
        using var noGrad = torch.no_grad();
        parameter.copy_(value.to_type(parameter.dtype).reshape(parameter.shape));
    }
}
