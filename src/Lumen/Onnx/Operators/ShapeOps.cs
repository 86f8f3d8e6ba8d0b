using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>
/// Operators that move values without computing new ones (Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Identity,
/// Dropout, Concat, Split, Slice, Pad, Gather, ScatterND, Expand; all but ScatterND and a Pad with a non-zero value are
/// marked <see cref="Lowering.ShapeOnly"/>) and the shape computations exporters emit (Shape, Constant,
/// ConstantOfShape, Range).
/// </summary>
internal static class ShapeOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Identity"] = _ => Lowering.Single(x => x[0]!.alias(), shapeOnly: true);
        table["Dropout"] = context =>
        {
            // Inference: the identity, and (when asked for) a mask that keeps every element.
            if (context.Node.Output.Count > 1 && context.Node.Output[1].Length > 0)
                return new Lowering(x => new[] { x[0]!.alias(), torch.ones_like(x[0]!, dtype: ScalarType.Bool) }, shapeOnly: true);
            return Lowering.Single(x => x[0]!.alias(), shapeOnly: true);
        };
        table["Flatten"] = Flatten;
        table["Reshape"] = Reshape;
        table["Transpose"] = Transpose;
        table["Squeeze"] = Squeeze;
        table["Unsqueeze"] = Unsqueeze;
        table["Concat"] = context =>
        {
            long axis = context.Int("axis", long.MinValue);
            if (axis == long.MinValue) throw context.Error("axis is missing");
            int resolved = context.Axis(axis, context.Example(0).dim());
            return Lowering.Single(x => torch.cat(x.Where(t => t is not null).Select(t => t!).ToList(), resolved), shapeOnly: true);
        };
        table["Split"] = Split;
        table["Slice"] = Slice;
        table["Pad"] = Pad;
        table["Gather"] = Gather;
        table["ScatterND"] = ScatterNd;
        table["Shape"] = Shape;
        table["Constant"] = Constant;
        table["ConstantOfShape"] = ConstantOfShape;
        table["Range"] = _ => Lowering.Single(x => torch.arange(x[0]!.ToScalar(), x[1]!.ToScalar(), x[2]!.ToScalar(), dtype: x[0]!.dtype));
        table["Expand"] = _ => Lowering.Single(x =>
        {
            // Bidirectional broadcasting: a 1 in either shape takes the other's size. (TorchSharp 0.107's
            // broadcast_shapes refuses pairs such as [N, 4, 6, 6] and [1, 6].)
            long[] given = NodeContext.Longs(x[1])!;
            long[] own = x[0]!.shape;
            int rank = Math.Max(given.Length, own.Length);
            long[] target = Enumerable.Range(0, rank).Select(i =>
            {
                long a = i - (rank - own.Length) >= 0 ? own[i - (rank - own.Length)] : 1;
                long b = i - (rank - given.Length) >= 0 ? given[i - (rank - given.Length)] : 1;
                return a == 1 ? b : a;
            }).ToArray();
            return x[0]!.expand(target);
        }, shapeOnly: true);
    }

    private static Lowering Flatten(NodeContext context)
    {
        long rank = context.Example(0).dim();
        long axis = context.Int("axis", 1);
        int resolved = axis == rank ? (int)rank : context.Axis(axis, rank);
        Tensor Compute(IReadOnlyList<Tensor?> x)
        {
            long[] shape = x[0]!.shape;
            long outer = shape[..resolved].Aggregate(1L, (a, b) => a * b);
            return x[0]!.reshape(outer, -1);
        }
        if (resolved == 1) return Lowering.Single(Compute, () => nn.Flatten());
        return Lowering.Single(Compute, shapeOnly: true);
    }

    private static Lowering Reshape(NodeContext context)
    {
        bool allowZero = context.Int("allowzero", 0) != 0;
        if (context.Opset < 5) throw context.Error("Reshape before opset 5 (shape as an attribute) is not supported");
        return Lowering.Single(x =>
        {
            long[] target = NodeContext.Longs(x[1])!;
            long[] shape = x[0]!.shape;
            for (int i = 0; i < target.Length; i++)
            {
                if (target[i] == 0 && !allowZero) target[i] = shape[i];
            }
            return x[0]!.reshape(target);
        }, shapeOnly: true);
    }

    private static Lowering Transpose(NodeContext context)
    {
        long rank = context.Example(0).dim();
        long[] perm = context.Ints("perm") ?? Enumerable.Range(0, (int)rank).Reverse().Select(i => (long)i).ToArray();
        return Lowering.Single(x => x[0]!.permute(perm), shapeOnly: true);
    }

    private static long[]? AxesInput(NodeContext context, int index, string attribute)
    {
        if (context.Opset >= 13) return NodeContext.Longs(context.Has(index) ? context.Example(index) : null);
        return context.Ints(attribute);
    }

    private static Lowering Squeeze(NodeContext context)
    {
        return Lowering.Single(x =>
        {
            long[]? axes = context.Opset >= 13 ? NodeContext.Longs(x.Count > 1 ? x[1] : null) : context.Ints("axes");
            Tensor t = x[0]!;
            if (axes is null || axes.Length == 0) return t.squeeze();
            long rank = t.dim();
            var resolved = axes.Select(a => a < 0 ? a + rank : a).OrderByDescending(a => a).ToArray();
            foreach (long axis in resolved) t = t.squeeze(axis);
            return t;
        }, shapeOnly: true);
    }

    private static Lowering Unsqueeze(NodeContext context)
    {
        if (AxesInput(context, 1, "axes") is null) throw context.Error("axes are missing");
        return Lowering.Single(x =>
        {
            long[] axes = (context.Opset >= 13 ? NodeContext.Longs(x[1]) : context.Ints("axes"))!;
            Tensor t = x[0]!;
            long rank = t.dim() + axes.Length;
            foreach (long axis in axes.Select(a => a < 0 ? a + rank : a).OrderBy(a => a)) t = t.unsqueeze(axis);
            return t;
        }, shapeOnly: true);
    }

    private static Lowering Split(NodeContext context)
    {
        long rank = context.Example(0).dim();
        int axis = context.Axis(context.Int("axis", 0), rank);
        int outputs = context.Node.Output.Count;
        return new Lowering(x =>
        {
            long[]? sizes = context.Opset >= 13 ? NodeContext.Longs(x.Count > 1 ? x[1] : null) : context.Ints("split");
            long length = x[0]!.shape[axis];
            if (sizes is null || sizes.Length == 0)
            {
                long chunk = (length + outputs - 1) / outputs;
                sizes = Enumerable.Range(0, outputs).Select(i => Math.Min(chunk, length - chunk * i)).ToArray();
            }
            if (sizes.Length != outputs || sizes.Sum() != length) throw context.Error($"split sizes [{string.Join(", ", sizes)}] do not divide length {length} into {outputs} outputs");
            return x[0]!.split(sizes, axis);
        }, shapeOnly: true);
    }

    private static Lowering Slice(NodeContext context)
    {
        return Lowering.Single(x =>
        {
            Tensor t = x[0]!;
            long[] starts, ends;
            long[]? axes, steps = null;
            if (context.Opset < 10)
            {
                starts = context.Ints("starts") ?? throw context.Error("starts are missing");
                ends = context.Ints("ends") ?? throw context.Error("ends are missing");
                axes = context.Ints("axes");
            }
            else
            {
                starts = NodeContext.Longs(x[1])!;
                ends = NodeContext.Longs(x[2])!;
                axes = NodeContext.Longs(x.Count > 3 ? x[3] : null);
                steps = NodeContext.Longs(x.Count > 4 ? x[4] : null);
            }
            axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            for (int i = 0; i < starts.Length; i++)
            {
                long axis = axes[i] < 0 ? axes[i] + t.dim() : axes[i];
                long size = t.shape[axis];
                long step = steps is null ? 1 : steps[i];
                if (step == 0) throw context.Error("a Slice step of 0 is not allowed");
                long start = starts[i] < 0 ? starts[i] + size : starts[i];
                long end = ends[i] < 0 ? ends[i] + size : ends[i];
                if (step > 0)
                {
                    start = Math.Clamp(start, 0, size);
                    t = t.slice(axis, start, Math.Max(start, Math.Clamp(end, 0, size)), step);
                }
                else
                {
                    // Backwards from start (clamped to [0, size − 1]) while above end (clamped to [−1, size − 1]): the
                    // same elements, in the same order, as a forward slice of the reversed axis.
                    long from = size - 1 - Math.Clamp(start, 0, size - 1);
                    long to = size - 1 - Math.Clamp(end, -1, size - 1);
                    t = t.flip(axis).slice(axis, from, Math.Max(from, to), -step);
                }
            }
            return t;
        }, shapeOnly: true);
    }

    private static Lowering Pad(NodeContext context)
    {
        string mode = context.Text("mode", "constant");
        PaddingModes torchMode = mode switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            _ => throw context.Error($"pad mode '{mode}' is not supported (constant, reflect, edge)"),
        };
        if (context.Opset >= 18 && context.Has(3)) throw context.Error("the axes input of Pad is not supported");
        // Reflected and replicated elements are copies, and zeros come from nowhere: such a pad only moves values.
        bool copies = torchMode != PaddingModes.Constant
                      || (context.Opset < 11 ? context.Float("value", 0) == 0 : !context.Has(2) || NodeContext.Floats(context.Constant(2)) is [0f]);
        return Lowering.Single(PadCompute(context, torchMode, mode), SpatialPadLayer(context, torchMode), shapeOnly: copies);
    }

    /// <summary>
    /// A constant Pad of only the two spatial axes of [N, C, H, W], with constant pads and value, as a
    /// <see cref="Lumen.Models.Architectures.Pad2d"/> layer (what exporters put in front of a convolution); else null.
    /// </summary>
    private static Func<nn.Module<Tensor, Tensor>>? SpatialPadLayer(NodeContext context, PaddingModes mode)
    {
        if (mode != PaddingModes.Constant || context.Example(0).dim() != 4) return null;
        long[]? pads = context.Opset < 11 ? context.Ints("pads") : NodeContext.Longs(context.Constant(1));
        if (pads is null || pads.Length != 8 || pads.Any(p => p < 0) || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) return null;
        if (context.Opset >= 11 && context.Has(2) && context.Constant(2) is null) return null;
        double value = context.Opset < 11 ? context.Float("value", 0) : (NodeContext.Floats(context.Constant(2))?.FirstOrDefault() ?? 0);
        return () => new Lumen.Models.Architectures.Pad2d(pads[2], pads[6], pads[3], pads[7], value);
    }

    private static Func<IReadOnlyList<Tensor?>, Tensor> PadCompute(NodeContext context, PaddingModes torchMode, string mode)
    {
        return x =>
        {
            long[] pads = (context.Opset < 11 ? context.Ints("pads") : NodeContext.Longs(x[1])) ?? throw context.Error("pads are missing");
            double value = context.Opset < 11 ? context.Float("value", 0) : (NodeContext.Floats(x.Count > 2 ? x[2] : null)?.FirstOrDefault() ?? 0);
            long rank = x[0]!.dim();
            if (pads.Length != 2 * rank) throw context.Error($"{pads.Length} pads do not fit a tensor of rank {rank}");
            var padding = new Padding(pads[..(int)rank], pads[(int)rank..]);
            if (pads.Any(p => p < 0)) throw context.Error("negative pads (cropping) are not supported");
            long[] order = padding.TorchOrder();
            int used = order.Length;
            while (used > 0 && order[used - 1] == 0) used--;
            if (torchMode != PaddingModes.Constant && used > 4) throw context.Error($"{mode} padding of more than the last two axes is not supported");
            return nn.functional.pad(x[0]!, order[..Math.Max(used, 2)], torchMode, value);
        };
    }

    private static Lowering Gather(NodeContext context)
    {
        long rank = context.Example(0).dim();
        int axis = context.Axis(context.Int("axis", 0), rank);
        return Lowering.Single(x =>
        {
            Tensor data = x[0]!;
            Tensor indices = x[1]!.to_type(ScalarType.Int64);
            long size = data.shape[axis];
            Tensor wrapped = torch.where(indices < 0, indices + size, indices);
            long[] shape = data.shape[..axis].Concat(indices.shape).Concat(data.shape[(axis + 1)..]).ToArray();
            return data.index_select(axis, wrapped.flatten()).reshape(shape);
        }, shapeOnly: true);
    }

    /// <summary>
    /// ScatterND: a copy of the data in which the slices that <c>indices</c> (last axis: a position on the first k
    /// axes, negative counting from the end) point to are replaced by, or (opset 16+ <c>reduction</c> add) added to,
    /// the matching slices of <c>updates</c>. Exporters write it for masks of shifted-window
    /// attention and for in-place assignments.
    /// </summary>
    private static Lowering ScatterNd(NodeContext context)
    {
        string reduction = context.Text("reduction", "none");
        // mul, max and min would need scatter_reduce, which TorchSharp 0.107 does not expose.
        if (reduction is not ("none" or "add")) throw context.Error($"reduction '{reduction}' is not supported (none and add are)");
        return Lowering.Single(x =>
        {
            Tensor data = x[0]!, updates = x[2]!;
            Tensor indices = x[1]!.to_type(ScalarType.Int64);
            int k = (int)indices.shape[^1];
            if (k < 1 || k > data.dim())
                throw context.Error($"the indices' last axis has {k} entries; it must be 1 to the data's rank {data.dim()}");
            long[] head = data.shape[..k], tail = data.shape[k..];
            var strides = new long[k];
            long stride = 1;
            for (int axis = k - 1; axis >= 0; axis--)
            {
                strides[axis] = stride;
                stride *= head[axis];
            }

            using var sizes = torch.tensor(head);
            using var steps = torch.tensor(strides);
            Tensor wrapped = torch.where(indices < 0, indices + sizes, indices);
            if ((wrapped < 0).logical_or(wrapped >= sizes).any().item<bool>())
                throw context.Error($"an index is outside the data's first {k} axes [{string.Join(", ", head)}]");
            Tensor linear = (wrapped * steps).sum(-1).flatten();
            long[] rowShape = new[] { stride }.Concat(tail).ToArray();
            Tensor rows = data.reshape(rowShape).clone();
            Tensor values = updates.reshape(new[] { linear.shape[0] }.Concat(tail).ToArray()).to_type(data.dtype);
            if (reduction == "add") rows.index_add_(0, linear, values, 1);
            else rows.index_copy_(0, linear, values);
            return rows.reshape(data.shape);
        });
    }

    private static Lowering Shape(NodeContext context)
    {
        long start = context.Int("start", 0);
        long? end = context.HasAttribute("end") ? context.Int("end", 0) : null;
        return Lowering.Single(x =>
        {
            long[] shape = x[0]!.shape;
            long rank = shape.Length;
            long from = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
            long to = Math.Clamp(end is long e ? (e < 0 ? e + rank : e) : rank, from, rank);
            return torch.tensor(shape[(int)from..(int)to], ScalarType.Int64);
        });
    }

    private static Lowering ConstantOfShape(NodeContext context)
    {
        // The fill value is read once, here: tensors made while importing do not outlive the import.
        ScalarType type = ScalarType.Float32;
        double fill = 0;
        if (context.TensorAttribute("value") is Proto.TensorProto proto)
        {
            using var value = TensorData.ToTensor(proto, context.ModelFolder, context.Budget);
            type = value.dtype;
            fill = value.reshape(1).to_type(ScalarType.Float64)[0].item<double>();
        }

        return Lowering.Single(x => torch.full(NodeContext.Longs(x[0])!, fill, dtype: type));
    }

    private static Lowering Constant(NodeContext context)
    {
        // A Constant node has no inputs, so the import folds it: the kernel runs once.
        Tensor Value()
        {
            if (context.TensorAttribute("value") is Proto.TensorProto proto) return TensorData.ToTensor(proto, context.ModelFolder, context.Budget);
            if (context.HasAttribute("value_float")) return torch.tensor(context.Float("value_float", 0));
            if (context.Floats("value_floats") is float[] floats) return torch.tensor(floats);
            if (context.HasAttribute("value_int")) return torch.tensor(context.Int("value_int", 0));
            if (context.Ints("value_ints") is long[] ints) return torch.tensor(ints);
            throw context.Error("only value, value_float(s) and value_int(s) constants are supported");
        }
        return new Lowering(_ => new[] { Value() });
    }
}
