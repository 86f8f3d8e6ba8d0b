using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// An upper bound of the elements a node's outputs hold, worked out from its inputs' shapes, its attributes and its
/// small integer inputs before the node runs, so that the import reserves memory from declared sizes
/// (<see cref="ImportBudget"/>) instead of finding out by allocating. Operators whose output can outgrow their inputs
/// (products, windows with padding, resizing, padding, concatenation, gathering, expansion, ranges, constants of a
/// shape) and broadcasting arithmetic have their own rule; every other operator's outputs are each at most its largest input.
/// </summary>
internal static class OutputBound
{
    /// <summary>Integer inputs larger than this are not read for sizes (shapes and pads are short).</summary>
    private const long MaxReadValues = 64;

    /// <summary>The most elements the outputs of <paramref name="context"/>'s node hold together (saturating).</summary>
    public static long Elements(NodeContext context)
    {
        var inputs = context.Examples.Where(t => t is not null).Select(t => t!).ToArray();
        long largest = inputs.Select(t => t.numel()).DefaultIfEmpty(0).Max();
        long outputs = Math.Max(1, context.Node.Output.Count);
        long specific = context.Node.OpType switch
        {
            "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Mod" or "Equal" or "Where" or "PRelu" => Product(Broadcast(inputs.Select(t => t.shape))),
            "MatMul" => MatMul(context),
            "Gemm" => Gemm(context),
            "Conv" or "MaxPool" or "AveragePool" => ImportBudget.Multiply(Windowed(context), outputs),
            "ConvTranspose" => Transposed(context),
            "Resize" or "Upsample" => Resized(context),
            "Pad" => Padded(context),
            "Concat" => inputs.Aggregate(0L, (sum, t) => ImportBudget.Add(sum, t.numel())),
            "Gather" => Gathered(context),
            "Expand" => Product(Broadcast(new[] { context.Example(0).shape, Values(context, 1) ?? Array.Empty<long>() })),
            "Range" => Ranged(context),
            "ConstantOfShape" => Product(Values(context, 0) ?? new[] { long.MaxValue }),
            "Split" => largest,
            _ => ImportBudget.Multiply(largest, outputs),
        };
        return Math.Max(specific, largest);
    }

    /// <summary>The widest element, in bytes, the node's outputs may have.</summary>
    public static long ElementSize(NodeContext context) => context.Node.OpType switch
    {
        "Cast" => TensorData.ComputedSize((Proto.TensorProto.Types.DataType)context.Int("to", 0)),
        "ConstantOfShape" => context.TensorAttribute("value") is Proto.TensorProto value ? TensorData.ComputedSize((Proto.TensorProto.Types.DataType)value.DataType) : 4,
        "Shape" => 8,
        _ => Math.Max(4, context.Examples.Where(t => t is not null).Select(t => t!.ElementSize).DefaultIfEmpty(4).Max()),
    };

    private static long MatMul(NodeContext context)
    {
        long[] a = context.Example(0).shape, b = context.Example(1).shape;
        if (a.Length == 1) a = new[] { 1L, a[0] };
        if (b.Length == 1) b = new[] { b[0], 1L };
        if (a.Length < 2 || b.Length < 2) return 0;
        long batch = Product(Broadcast(new[] { a[..^2], b[..^2] }));
        return ImportBudget.Multiply(batch, ImportBudget.Multiply(a[^2], b[^1]));
    }

    private static long Gemm(NodeContext context)
    {
        long[] a = context.Example(0).shape, b = context.Example(1).shape;
        if (a.Length != 2 || b.Length != 2) return 0;
        long m = context.Int("transA", 0) != 0 ? a[1] : a[0];
        long n = context.Int("transB", 0) != 0 ? b[0] : b[1];
        return ImportBudget.Multiply(m, n);
    }

    /// <summary>Conv and pooling: each spatial size is at most (size + pads) / stride + 2, channels those of the weight or input.</summary>
    private static long Windowed(NodeContext context)
    {
        long[] x = context.Example(0).shape;
        if (x.Length < 3) return 0;
        int k = x.Length - 2;
        long channels = context.Node.OpType == "Conv" && context.Has(1) && context.Example(1).dim() > 0 ? context.Example(1).shape[0] : x[1];
        long[] pads = context.Ints("pads") ?? Array.Empty<long>();
        long[] strides = context.Ints("strides") ?? Array.Empty<long>();
        long total = ImportBudget.Multiply(x[0], channels);
        for (int i = 0; i < k; i++)
        {
            long padded = ImportBudget.Add(x[i + 2], ImportBudget.Add(Positive(pads, i), Positive(pads, i + k)));
            long stride = Math.Max(1, i < strides.Length ? strides[i] : 1);
            total = ImportBudget.Multiply(total, padded / stride + 2);
        }

        return total;
    }

    /// <summary>ConvTranspose: each spatial size at most stride·size + output padding + dilation·(kernel − 1) + 1 + |negative pads|.</summary>
    private static long Transposed(NodeContext context)
    {
        long[] x = context.Example(0).shape, w = context.Example(1).shape;
        if (x.Length < 3 || w.Length != x.Length) return 0;
        int k = x.Length - 2;
        long[] strides = context.Ints("strides") ?? Array.Empty<long>();
        long[] dilations = context.Ints("dilations") ?? Array.Empty<long>();
        long[] outputPadding = context.Ints("output_padding") ?? Array.Empty<long>();
        long[] pads = context.Ints("pads") ?? Array.Empty<long>();
        long[] outputShape = context.Ints("output_shape") ?? Array.Empty<long>();
        long total = ImportBudget.Multiply(x[0], ImportBudget.Multiply(w[1], Math.Max(1, context.Int("group", 1))));
        for (int i = 0; i < k; i++)
        {
            long size = ImportBudget.Multiply(Math.Max(1, i < strides.Length ? strides[i] : 1), x[i + 2]);
            size = ImportBudget.Add(size, Positive(outputPadding, i));
            size = ImportBudget.Add(size, ImportBudget.Multiply(Math.Max(1, i < dilations.Length ? dilations[i] : 1), w[i + 2]));
            size = ImportBudget.Add(size, ImportBudget.Add(Negative(pads, i), Negative(pads, i + k)) + 1);
            if (i < outputShape.Length) size = Math.Max(size, outputShape[i]);
            total = ImportBudget.Multiply(total, size);
        }

        return total;
    }

    /// <summary>Resize and Upsample: the largest of the sizes input and the input scaled by every scales input or attribute.</summary>
    private static long Resized(NodeContext context)
    {
        Tensor x = context.Example(0);
        long[] shape = x.shape;
        long bound = 0;
        var scaleSets = new List<float[]>();
        if (context.Floats("scales") is float[] attribute) scaleSets.Add(attribute);
        for (int i = 1; i < context.InputCount; i++)
        {
            if (!context.Has(i) || context.Example(i).numel() != shape.Length) continue;
            Tensor input = context.Example(i);
            if (TorchSharp.torch.is_integral(input.dtype)) bound = Math.Max(bound, Product(Values(context, i) ?? Array.Empty<long>()));
            else if (NodeContext.Floats(input) is float[] scales) scaleSets.Add(scales);
        }

        foreach (var scales in scaleSets.Where(s => s.Length == shape.Length))
        {
            long total = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                double size = Math.Ceiling(shape[i] * (double)scales[i]);
                total = ImportBudget.Multiply(total, double.IsNaN(size) || size >= long.MaxValue ? long.MaxValue : (long)Math.Max(size, 0));
            }

            bound = Math.Max(bound, total);
        }

        return bound;
    }

    private static long Padded(NodeContext context)
    {
        long[] shape = context.Example(0).shape;
        long[] pads = (context.Opset < 11 ? context.Ints("pads") : Values(context, 1)) ?? Array.Empty<long>();
        long total = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            total = ImportBudget.Multiply(total, ImportBudget.Add(shape[i], ImportBudget.Add(Positive(pads, i), Positive(pads, i + shape.Length))));
        }

        return total;
    }

    private static long Gathered(NodeContext context)
    {
        Tensor data = context.Example(0);
        if (data.dim() == 0) return 0;
        long axis = context.Int("axis", 0);
        long resolved = axis < 0 ? axis + data.dim() : axis;
        if (resolved < 0 || resolved >= data.dim()) return 0;
        long slice = data.shape[resolved] == 0 ? 0 : data.numel() / data.shape[resolved];
        return ImportBudget.Multiply(context.Example(1).numel(), slice);
    }

    private static long Ranged(NodeContext context)
    {
        var values = Enumerable.Range(0, 3).Select(i => NodeContext.Floats(context.Has(i) ? context.Example(i) : null)?.FirstOrDefault()).ToArray();
        if (values.Any(v => v is null) || values[2] == 0) return 0;
        double count = Math.Ceiling(((double)values[1]! - (double)values[0]!) / (double)values[2]!);
        return double.IsNaN(count) || count <= 0 ? 0 : count >= long.MaxValue ? long.MaxValue : (long)count;
    }

    /// <summary>The values of small integer input <paramref name="index"/>, or null.</summary>
    private static long[]? Values(NodeContext context, int index)
    {
        if (!context.Has(index)) return null;
        Tensor value = context.Example(index);
        return value.numel() <= MaxReadValues ? NodeContext.Longs(value) : null;
    }

    private static long[] Broadcast(IEnumerable<long[]> shapes)
    {
        var list = shapes.ToList();
        int rank = list.Select(s => s.Length).DefaultIfEmpty(0).Max();
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long size = 1;
            foreach (var shape in list)
            {
                int at = i - (rank - shape.Length);
                if (at >= 0) size = Math.Max(size, shape[at]);
            }

            result[i] = size;
        }

        return result;
    }

    private static long Product(long[] shape) => shape.Aggregate(1L, (product, d) => ImportBudget.Multiply(product, Math.Max(0, d)));

    private static long Positive(long[] values, int index) => index < values.Length ? Math.Max(0, values[index]) : 0;

    private static long Negative(long[] values, int index) => index < values.Length && values[index] < 0 ? -values[index] : 0;
}
