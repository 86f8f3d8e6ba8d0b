using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// Resize (opset 10+) and Upsample (before opset 10) of [N, C, H, W] images: nearest (asymmetric coordinates, floor,
/// as PyTorch's nearest) and bilinear (half_pixel / pytorch_half_pixel or align_corners). Other modes are refused.
/// </summary>
internal static class ResizeOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Resize"] = Resize;
        table["Upsample"] = Upsample;
    }

    private static Lowering Resize(NodeContext context)
    {
        var (mode, alignCorners) = Mode(context, context.Text("coordinate_transformation_mode", "half_pixel"));
        if (context.HasAttribute("axes")) throw context.Error("the axes attribute of Resize is not supported");
        return Lowering.Single(x =>
        {
            int scalesIndex = context.Opset == 10 ? 1 : 2;
            float[]? scales = NodeContext.Floats(x.Count > scalesIndex ? x[scalesIndex] : null);
            long[]? sizes = context.Opset >= 11 ? NodeContext.Longs(x.Count > 3 ? x[3] : null) : null;
            return Apply(context, x[0]!, scales is { Length: > 0 } ? scales : null, sizes is { Length: > 0 } ? sizes : null, mode, alignCorners);
        });
    }

    private static Lowering Upsample(NodeContext context)
    {
        var (mode, alignCorners) = Mode(context, "asymmetric");
        return Lowering.Single(x =>
        {
            float[] scales = (context.Opset >= 9 ? NodeContext.Floats(x[1]) : context.Floats("scales")) ?? throw context.Error("scales are missing");
            return Apply(context, x[0]!, scales, null, mode, alignCorners);
        });
    }

    private static (InterpolationMode Mode, bool? AlignCorners) Mode(NodeContext context, string coordinates)
    {
        string mode = context.Text("mode", "nearest");
        if (mode == "nearest")
        {
            string rounding = context.Text("nearest_mode", "round_prefer_floor");
            if (coordinates != "asymmetric" || context.Node.OpType == "Resize" && rounding != "floor")
                throw context.Error($"nearest resizing with {coordinates} coordinates and {rounding} rounding is not supported (asymmetric + floor is)");
            return (InterpolationMode.Nearest, null);
        }
        if (mode is "linear" or "bilinear")
        {
            if (coordinates is "half_pixel" or "pytorch_half_pixel") return (InterpolationMode.Bilinear, false);
            if (coordinates == "align_corners") return (InterpolationMode.Bilinear, true);
            if (coordinates == "asymmetric") return (InterpolationMode.Linear, null);
            throw context.Error($"linear resizing with {coordinates} coordinates is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric are)");
        }
        throw context.Error($"resize mode '{mode}' is not supported (nearest, linear)");
    }

    private static Tensor Apply(NodeContext context, Tensor x, float[]? scales, long[]? sizes, InterpolationMode mode, bool? alignCorners)
    {
        if (x.dim() != 4) throw context.Error("only [N, C, H, W] inputs can be resized");
        long[] target;
        if (sizes is not null) target = sizes;
        else if (scales is not null) target = x.shape.Zip(scales, (d, s) => (long)Math.Floor(d * (double)s)).ToArray();
        else throw context.Error("neither scales nor sizes are given");
        if (target.Length != 4 || target[0] != x.shape[0] || target[1] != x.shape[1])
            throw context.Error("only the spatial axes (H, W) may be resized");
        if (mode == InterpolationMode.Linear)
        {
            // Asymmetric coordinates (Upsample's, and Resize's "asymmetric"): output i samples input i / scale.
            double scaleH = scales is not null ? scales[2] : (double)target[2] / x.shape[2];
            double scaleW = scales is not null ? scales[3] : (double)target[3] / x.shape[3];
            return AsymmetricLinear(AsymmetricLinear(x, 2, target[2], scaleH), 3, target[3], scaleW);
        }

        return nn.functional.interpolate(x, new[] { target[2], target[3] }, mode: mode, align_corners: alignCorners);
    }

    /// <summary>
    /// Linear interpolation along <paramref name="axis"/> to <paramref name="size"/> samples at input coordinates
    /// i / <paramref name="scale"/>, clamped to the input (ONNX Runtime's rule); differentiable in <paramref name="x"/>.
    /// </summary>
    private static Tensor AsymmetricLinear(Tensor x, int axis, long size, double scale)
    {
        long length = x.shape[axis];
        var source = torch.arange(size, dtype: ScalarType.Float64, device: x.device).div(scale).clamp(0, length - 1);
        var low = source.floor().to_type(ScalarType.Int64).clamp(0, length - 1);
        var high = (low + 1).clamp_max(length - 1);
        var weightShape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        weightShape[axis] = size;
        var weight = (source - low.to_type(ScalarType.Float64)).to_type(x.dtype).view(weightShape);
        var lower = x.index_select(axis, low);
        return lower + (x.index_select(axis, high) - lower) * weight;
    }
}
