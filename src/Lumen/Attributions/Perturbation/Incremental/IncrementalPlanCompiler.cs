using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>The outcome of compiling a model: a plan, or why the model cannot run incrementally.</summary>
/// <param name="Plan">The plan, or null when the model is not supported.</param>
/// <param name="Unsupported">Why not (naming the module), or null when supported.</param>
public sealed record PlanCompilation(IncrementalPlan? Plan, string? Unsupported)
{
    /// <summary>Whether the model compiled.</summary>
    public bool IsSupported => Plan is not null;
}

/// <summary>
/// Walks a model's module tree into an <see cref="IncrementalPlan"/>. Known containers: <see cref="Sequential"/> (children in
/// order) and Lumen's <see cref="ResNet"/>, <see cref="Vgg"/>, <see cref="AlexNet"/>, <see cref="BasicBlock"/> and
/// <see cref="Bottleneck"/> (children in the order their <c>forward</c> runs them, with the flatten function before the
/// classifier). Known local layers: Conv2d (zero padding), BatchNorm2d in evaluation mode, ReLU, ReLU6, LeakyReLU,
/// Hardtanh, Sigmoid, Tanh, Identity, Dropout in evaluation mode, MaxPool2d and AvgPool2d (floor mode), and a
/// <see cref="Pad2d"/> in front of a convolution or pooling (folded into its window as padding that may differ between
/// the two ends). From the first AdaptiveAvgPool2d, AdaptiveMaxPool2d, Flatten or Linear on, every module of a
/// sequence runs unchanged (the tail). An imported ONNX graph (<see cref="Onnx.Graph.OnnxGraphModule"/>) is walked
/// node by node: its layers of the kinds above (and its residual additions) run on regions, and from its first other
/// node on, the rest of the graph is the tail, which must read a single map. Any other module before the tail makes
/// the model unsupported.
/// </summary>
public static class IncrementalPlanCompiler
{
    private const string FlattenStep = "(flatten)";

    /// <summary>Compiles <paramref name="model"/>'s module.</summary>
    public static PlanCompilation Compile(ExplainableModel model) => Compile(model.Module, model.Name);

    /// <summary>Compiles <paramref name="module"/>, a classifier mapping [N, C, H, W] to logits.</summary>
    /// <param name="module">The model's module.</param>
    /// <param name="modelName">The model's name, for messages.</param>
    public static PlanCompilation Compile(nn.Module module, string modelName)
    {
        var walker = new Walker();
        try
        {
            walker.Walk(module, "", 0);
            if (!walker.InTail)
                return new PlanCompilation(null, "no classifier head (adaptive pooling, flatten or linear layer) was found");
            return new PlanCompilation(new IncrementalPlan(modelName, walker.Nodes), null);
        }
        catch (UnsupportedModule error)
        {
            return new PlanCompilation(null, error.Message);
        }
    }

    private sealed class UnsupportedModule(string path, nn.Module module, string why)
        : Exception($"module '{(path.Length == 0 ? "(top level)" : path)}' ({TypeName(module)}) {why}");

    private sealed class Walker
    {
        // A padding layer is no node of its own: it stands for its input until a convolution or pooling folds it in.
        private const int FirstPadding = 1 << 24;
        private readonly Dictionary<int, (int Source, Pad2d Layer, string Path)> paddings = new();

        public List<PlanNode> Nodes { get; } = new() { new InputNode() };

        public bool InTail { get; private set; }

        private int Add(PlanNode node)
        {
            int padded = node.Inputs.FirstOrDefault(paddings.ContainsKey, -1);
            if (padded >= 0) throw new UnsupportedModule(paddings[padded].Path, paddings[padded].Layer, $"feeds {node.Name}, which is not a convolution or pooling");
            Nodes.Add(node);
            return Nodes.Count - 1;
        }

        /// <summary>The real input of a window node and its geometry with any padding layer in front folded in.</summary>
        private (int Input, AxisWindow Rows, AxisWindow Columns) Unpad(int input, AxisWindow rows, AxisWindow columns, string path, nn.Module module, Func<double, bool> acceptsValue)
        {
            if (!paddings.TryGetValue(input, out var padding)) return (input, rows, columns);
            if (!acceptsValue(padding.Layer.Value))
                throw new UnsupportedModule(padding.Path, padding.Layer, $"pads with {padding.Layer.Value} in front of {TypeName(module)} '{path}', which would change its result");
            return (padding.Source, rows.PaddedBy((int)padding.Layer.Top, (int)padding.Layer.Bottom), columns.PaddedBy((int)padding.Layer.Left, (int)padding.Layer.Right));
        }

        private int Graph(Onnx.Graph.OnnxGraphModule graph, string path, int input)
        {
            var steps = graph.Steps;
            var maps = new Dictionary<string, int>(StringComparer.Ordinal) { [graph.InputName] = input };
            for (int t = 0; t < steps.Count; t++)
            {
                var (name, step) = steps[t];
                if (!step.Inputs.Any(maps.ContainsKey)) continue; // constants and shape arithmetic that read no map
                string stepPath = Join(path, name);
                string[] data = step.DataInputs.Select(i => step.Inputs[i]).ToArray();
                bool local = step.Layer is not (null or Onnx.Graph.NodeLayer or Onnx.Graph.PairLayer or AdaptiveAvgPool2d or AdaptiveMaxPool2d or Flatten or Linear or LayerNorm)
                             && data.All(maps.ContainsKey);
                if (!local) return GraphTail(graph, stepPath, t, maps);
                maps[step.Outputs[0]] = step.Layer is Addition
                    ? Add(new SumNode(stepPath, maps[data[0]], maps[data[1]]))
                    : Walk(step.Layer!, stepPath, maps[data[0]]);
            }
            throw new UnsupportedModule(path, graph, "has no classifier head (its output is a local map)");
        }

        private int GraphTail(Onnx.Graph.OnnxGraphModule graph, string path, int first, Dictionary<string, int> maps)
        {
            var read = new HashSet<string>(graph.Steps.Skip(first).SelectMany(s => s.Step.Inputs).Append(graph.OutputName), StringComparer.Ordinal);
            var live = maps.Keys.Where(read.Contains).ToList();
            if (live.Count != 1)
                throw new UnsupportedModule(path, graph, $"starts the classifier head but the rest of the graph reads {live.Count} maps ({string.Join(", ", live.Take(3))}), not one");
            string value = live[0];
            InTail = true;
            return Add(new TailNode(path, maps[value], x => graph.RunFrom(first, value, x)));
        }

        public int Walk(nn.Module module, string path, int input)
        {
            if (InTail)
            {
                return module is nn.Module<Tensor, Tensor> any
                    ? Add(new TailNode(path, input, x => any.call(x), module is Linear linear ? linear.weight!.numel() : 0))
                    : throw new UnsupportedModule(path, module, "does not map one tensor to one tensor");
            }
            switch (module)
            {
                case Sequential sequence when module.GetType() == typeof(Sequential):
                    foreach (var (name, child) in sequence.named_children()) input = Walk(child, Join(path, name), input);
                    return input;
                case ResNet:
                    return Chain(module, path, input, "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", FlattenStep, "fc");
                case Vgg or AlexNet:
                    return Chain(module, path, input, "features", "avgpool", FlattenStep, "classifier");
                case BasicBlock:
                    return Residual(module, path, input, new[] { "conv1", "bn1", "relu", "conv2", "bn2" }, "relu2");
                case Bottleneck:
                    return Residual(module, path, input, new[] { "conv1", "bn1", "relu", "conv2", "bn2", "relu2", "conv3", "bn3" }, "relu3");
                case Onnx.Graph.OnnxGraphModule graph:
                    return Graph(graph, path, input);
                case Pad2d pad:
                    if (paddings.ContainsKey(input)) throw new UnsupportedModule(path, module, "follows another padding layer");
                    int padded = FirstPadding + paddings.Count;
                    paddings[padded] = (input, pad, path);
                    return padded;
                case Conv2d conv:
                    return Add(Convolution(conv, path, input));
                case BatchNorm2d bn:
                    if (bn.training) throw new UnsupportedModule(path, module, "is in training mode (its output depends on the whole batch)");
                    if (bn.running_mean is null || bn.running_var is null) throw new UnsupportedModule(path, module, "keeps no running statistics");
                    return Add(new PointwiseNode(path, input, bn));
                case ReLU:
                    return Add(new PointwiseNode(path, input, x => x.relu()));
                case ReLU6:
                    return Add(new PointwiseNode(path, input, x => x.clamp(0, 6)));
                case Hardtanh hardtanh:
                    return Add(new PointwiseNode(path, input, x => x.clamp(hardtanh.min_val, hardtanh.max_val)));
                case LeakyReLU leaky:
                    return Add(new PointwiseNode(path, input, x => nn.functional.leaky_relu(x, leaky.negative_slope)));
                case Sigmoid:
                    return Add(new PointwiseNode(path, input, x => x.sigmoid()));
                case Tanh:
                    return Add(new PointwiseNode(path, input, x => x.tanh()));
                case Hardsigmoid or Hardswish or SiLU or GELU:
                    var activation = (nn.Module<Tensor, Tensor>)module;
                    return Add(new PointwiseNode(path, input, x => activation.forward(x)));
                case Identity:
                    return Add(new PointwiseNode(path, input, x => x));
                case Dropout dropout:
                    if (dropout.training) throw new UnsupportedModule(path, module, "is in training mode");
                    return Add(new PointwiseNode(path, input, x => x));
                case MaxPool2d pool:
                {
                    if (pool.ceil_mode) throw new UnsupportedModule(path, module, "uses ceil_mode");
                    var (source, rows, columns) = Unpad(input, Axis(pool.kernel_size, pool.stride, pool.padding, pool.dilation, 0),
                        Axis(pool.kernel_size, pool.stride, pool.padding, pool.dilation, 1), path, module, double.IsNegativeInfinity);
                    return Add(new PoolingNode(path, source, true, true, rows, columns));
                }
                case AvgPool2d pool:
                {
                    if (pool.ceil_mode) throw new UnsupportedModule(path, module, "uses ceil_mode");
                    if (pool.divisor_override is not null) throw new UnsupportedModule(path, module, "has a divisor_override");
                    // Padded zeros in front count in the mean, which they do only when the pooling counts its own padding.
                    var (source, rows, columns) = Unpad(input, Axis(pool.kernel_size, pool.stride, pool.padding, null, 0),
                        Axis(pool.kernel_size, pool.stride, pool.padding, null, 1), path, module, value => value == 0 && pool.count_include_pad);
                    return Add(new PoolingNode(path, source, false, pool.count_include_pad, rows, columns));
                }
                case AdaptiveAvgPool2d or AdaptiveMaxPool2d or Flatten or Linear:
                    InTail = true;
                    return Walk(module, path, input);
                default:
                    throw new UnsupportedModule(path, module, "is not a layer incremental occlusion knows");
            }
        }

        private int Chain(nn.Module module, string path, int input, params string[] steps)
        {
            var children = Children(module, path, steps.Where(s => s != FlattenStep).ToArray(), Array.Empty<string>());
            foreach (string step in steps)
            {
                if (step == FlattenStep)
                {
                    InTail = true;
                    input = Add(new TailNode(Join(path, "flatten"), input, x => x.flatten(1)));
                }
                else
                {
                    input = Walk(children[step], Join(path, step), input);
                }
            }
            return input;
        }

        private int Residual(nn.Module block, string path, int input, string[] branch, string output)
        {
            var children = Children(block, path, branch.Append("add").Append(output).ToArray(), new[] { "downsample" });
            if (InTail) throw new UnsupportedModule(path, block, "follows the classifier head");
            int y = input;
            foreach (string step in branch) y = Walk(children[step], Join(path, step), y);
            int shortcut = children.TryGetValue("downsample", out var downsample) ? Walk(downsample, Join(path, "downsample"), input) : input;
            if (children["add"] is not Addition) throw new UnsupportedModule(Join(path, "add"), children["add"], "is not an Addition");
            int sum = Add(new SumNode(Join(path, "add"), y, shortcut));
            return Walk(children[output], Join(path, output), sum);
        }

        private static Dictionary<string, nn.Module> Children(nn.Module module, string path, string[] required, string[] optional)
        {
            var children = module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
            string? missing = required.FirstOrDefault(name => !children.ContainsKey(name));
            if (missing is not null) throw new UnsupportedModule(path, module, $"has no child '{missing}'");
            string? extra = children.Keys.FirstOrDefault(name => !required.Contains(name) && !optional.Contains(name));
            if (extra is not null) throw new UnsupportedModule(path, module, $"has an unexpected child '{extra}'");
            return children;
        }

        private ConvolutionNode Convolution(Conv2d conv, string path, int input)
        {
            if (conv.transposed) throw new UnsupportedModule(path, conv, "is transposed");
            if (conv.padding_mode != PaddingModes.Zeros) throw new UnsupportedModule(path, conv, $"pads with {conv.padding_mode}, not zeros");
            long[]? padding;
            if (conv.padding_type is null) padding = conv.padding;
            else if (conv.padding_type == Padding.Valid) padding = new long[] { 0, 0 };
            else throw new UnsupportedModule(path, conv, "uses padding='same'");
            var (source, rows, columns) = Unpad(input, Axis(conv.kernel_size, conv.stride, padding, conv.dilation, 0),
                Axis(conv.kernel_size, conv.stride, padding, conv.dilation, 1), path, conv, value => value == 0);
            return new ConvolutionNode(path, source, conv, rows, columns);
        }
    }

    private static AxisWindow Axis(long[] kernel, long[]? stride, long[]? padding, long[]? dilation, int axis)
    {
        static int At(long[]? values, int axis, int fallback) =>
            values is null || values.Length == 0 ? fallback : (int)values[Math.Min(axis, values.Length - 1)];
        int k = At(kernel, axis, 1);
        return new AxisWindow(k, At(stride, axis, k), At(padding, axis, 0), At(dilation, axis, 1));
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string TypeName(nn.Module module)
    {
        string name = module.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
