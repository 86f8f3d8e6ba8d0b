using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool and BatchNormalization as their TorchSharp modules;
/// LayerNormalization as TorchSharp's LayerNorm when its scale and bias are constants shaped like the normalised axes, else as a function.
/// </summary>
internal static class PoolingOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["MaxPool"] = MaxPool;
        table["AveragePool"] = AveragePool;
        table["GlobalAveragePool"] = context =>
        {
            RequireImages(context);
            return Lowering.Single(x => x[0]!.mean(new long[] { 2, 3 }, keepdim: true), () => nn.AdaptiveAvgPool2d(1));
        };
        table["GlobalMaxPool"] = context =>
        {
            RequireImages(context);
            return Lowering.Single(x => x[0]!.amax(new long[] { 2, 3 }, keepdim: true), () => nn.AdaptiveMaxPool2d(new long[] { 1, 1 }));
        };
        table["BatchNormalization"] = BatchNormalization;
        table["LayerNormalization"] = LayerNormalization;
    }

    private static void RequireImages(NodeContext context)
    {
        if (context.Example(0).dim() != 4) throw context.Error($"only 2-d pooling of [N, C, H, W] inputs is supported, got rank {context.Example(0).dim()}");
    }

    private static (long[] Kernel, long[] Strides, long[] Dilations, Padding Padding, bool Ceil) Geometry(NodeContext context)
    {
        RequireImages(context);
        long[] kernel = context.Ints("kernel_shape") ?? throw context.Error("kernel_shape is missing");
        if (kernel.Length != 2 || kernel.Any(k => k <= 0)) throw context.Error($"kernel_shape [{string.Join(", ", kernel)}] is not a 2-d kernel");
        long[] strides = context.Ints("strides") ?? new long[] { 1, 1 };
        long[] dilations = context.Ints("dilations") ?? new long[] { 1, 1 };
        if (strides.Length != 2 || dilations.Length != 2 || strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
            throw context.Error("strides and dilations must be two positive numbers");
        var padding = Padding.Of(context, context.Example(0).shape[2..], kernel, strides, dilations);
        return (kernel, strides, dilations, padding, context.Int("ceil_mode", 0) != 0);
    }

    private static Lowering MaxPool(NodeContext context)
    {
        if (context.Node.Output.Count > 1 && context.Node.Output[1].Length > 0) throw context.Error("the Indices output of MaxPool is not supported");
        var (kernel, strides, dilations, padding, ceil) = Geometry(context);
        if (context.Int("storage_order", 0) != 0) throw context.Error("storage_order 1 is not supported");
        // PyTorch pads max-pooling symmetrically by at most half the kernel; any other padding is a Pad2d layer of −∞ in front.
        bool own = padding.Symmetric && padding.Begin.Zip(kernel).All(pair => pair.First * 2 <= pair.Second);
        long[] torchPads = own ? padding.Begin : new long[2];
        Tensor Compute(IReadOnlyList<Tensor?> x) =>
            nn.functional.max_pool2d(own ? x[0]! : padding.Apply(x[0]!, double.NegativeInfinity), kernel, strides, torchPads, dilations, ceil);
        return Lowering.Single(Compute, () =>
        {
            var pool = nn.MaxPool2d((kernel[0], kernel[1]), (strides[0], strides[1]), (torchPads[0], torchPads[1]), (dilations[0], dilations[1]), ceil);
            return own ? pool : padding.InFrontOf("pool", pool, double.NegativeInfinity);
        });
    }

    private static Lowering AveragePool(NodeContext context)
    {
        var (kernel, strides, dilations, padding, ceil) = Geometry(context);
        if (dilations.Any(d => d != 1)) throw context.Error("dilated average pooling is not supported");
        bool includePad = context.Int("count_include_pad", 0) != 0;
        bool own = padding.Symmetric && padding.Begin.Zip(kernel).All(pair => pair.First * 2 <= pair.Second);
        if (own)
        {
            return Lowering.Single(x => nn.functional.avg_pool2d(x[0]!, kernel, strides, padding.Begin, ceil, includePad),
                () => nn.AvgPool2d((kernel[0], kernel[1]), (strides[0], strides[1]), (padding.Begin[0], padding.Begin[1]), ceil, includePad));
        }
        var none = new long[2];
        if (includePad)
        {
            // Padded zeros count in the mean: a Pad2d layer of zeros in front of an unpadded AvgPool2d is the same.
            return Lowering.Single(x => nn.functional.avg_pool2d(padding.Apply(x[0]!, 0), kernel, strides, none, ceil, true),
                () => padding.InFrontOf("pool", nn.AvgPool2d((kernel[0], kernel[1]), (strides[0], strides[1]), (0, 0), ceil, true), 0));
        }
        // Padded zeros do not count: the sum over each window divided by the number of real elements in it (a function).
        return Lowering.Single(x =>
        {
            Tensor sums = nn.functional.avg_pool2d(padding.Apply(x[0]!, 0), kernel, strides, none, ceil, true);
            using var ones = torch.ones(1, 1, x[0]!.shape[2], x[0]!.shape[3], dtype: x[0]!.dtype, device: x[0]!.device);
            return sums / nn.functional.avg_pool2d(padding.Apply(ones, 0), kernel, strides, none, ceil, true);
        });
    }

    private static Lowering LayerNormalization(NodeContext context)
    {
        if (context.Node.Output.Skip(1).Any(o => o.Length > 0))
            throw context.Error("the Mean and InvStdDev outputs are not supported");
        double eps = context.Float("epsilon", 1e-5f);
        long rank = context.Example(0).dim();
        int first = context.Axis(context.Int("axis", -1), rank);
        long[] axes = Enumerable.Range(first, (int)rank - first).Select(a => (long)a).ToArray();
        Tensor Compute(IReadOnlyList<Tensor?> x)
        {
            Tensor centred = x[0]! - x[0]!.mean(axes, keepdim: true);
            Tensor variance = centred.square().mean(axes, keepdim: true);
            Tensor scaled = centred / (variance + eps).sqrt() * x[1]!;
            return x.Count > 2 && x[2] is { } bias ? scaled + bias : scaled;
        }
        // Scale and bias shaped like the normalised axes: TorchSharp's LayerNorm module (what LRP knows).
        long[] normalized = context.Example(0).shape[first..];
        Tensor? scale = context.Constant(1);
        Tensor? shift = context.Has(2) ? context.Constant(2) : null;
        bool fits = scale is not null && scale.shape.SequenceEqual(normalized) && (!context.Has(2) || shift is not null && shift.shape.SequenceEqual(normalized));
        if (!fits) return Lowering.Single(Compute);
        return Lowering.Single(Compute, () =>
        {
            var norm = nn.LayerNorm(normalized, eps, elementwise_affine: true, bias: shift is not null);
            ConvolutionOps.Copy(norm.weight!, scale!);
            if (shift is not null) ConvolutionOps.Copy(norm.bias!, shift);
            return norm;
        });
    }

    private static Lowering BatchNormalization(NodeContext context)
    {
        if (context.Int("training_mode", 0) != 0 || context.Node.Output.Count > 1 && context.Node.Output.Skip(1).Any(o => o.Length > 0))
            throw context.Error("training-mode batch normalization is not supported; export the model in evaluation mode");
        double eps = context.Float("epsilon", 1e-5f);
        long rank = context.Example(0).dim();
        Tensor Compute(IReadOnlyList<Tensor?> x)
        {
            long[] shape = Enumerable.Repeat(1L, (int)x[0]!.dim()).ToArray();
            shape[1] = -1;
            Tensor scale = x[1]! / (x[4]! + eps).sqrt();
            return (x[0]! - x[3]!.reshape(shape)) * scale.reshape(shape) + x[2]!.reshape(shape);
        }
        var parameters = Enumerable.Range(1, 4).Select(context.Constant).ToArray();
        if (parameters.Any(p => p is null) || rank is < 2 or > 4) return Lowering.Single(Compute);
        long features = parameters[0]!.numel();
        return Lowering.Single(Compute, () =>
        {
            nn.Module<Tensor, Tensor> module;
            TorchSharp.Modules.BatchNorm norm;
            if (rank == 4)
            {
                var bn = nn.BatchNorm2d(features, eps);
                (module, norm) = (bn, bn);
            }
            else
            {
                var bn = nn.BatchNorm1d(features, eps);
                (module, norm) = (bn, bn);
            }
            ConvolutionOps.Copy(norm.weight!, parameters[0]!);
            ConvolutionOps.Copy(norm.bias!, parameters[1]!);
            ConvolutionOps.Copy(norm.running_mean!, parameters[2]!);
            ConvolutionOps.Copy(norm.running_var!, parameters[3]!);
            return module;
        });
    }
}
