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
/// Hardtanh, Sigmoid, Tanh, Identity, Dropout in evaluation mode, MaxPool2d and AvgPool2d (floor mode). From the first
/// AdaptiveAvgPool2d, AdaptiveMaxPool2d, Flatten or Linear on, every module of a sequence runs unchanged (the tail).
/// Any other module before the tail makes the model unsupported.
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
        public List<PlanNode> Nodes { get; } = new() { new InputNode() };

        public bool InTail { get; private set; }

        private int Add(PlanNode node)
        {
            Nodes.Add(node);
            return Nodes.Count - 1;
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
                case Identity:
                    return Add(new PointwiseNode(path, input, x => x));
                case Dropout dropout:
                    if (dropout.training) throw new UnsupportedModule(path, module, "is in training mode");
                    return Add(new PointwiseNode(path, input, x => x));
                case MaxPool2d pool:
                    if (pool.ceil_mode) throw new UnsupportedModule(path, module, "uses ceil_mode");
                    return Add(new PoolingNode(path, input, true, true,
                        Axis(pool.kernel_size, pool.stride, pool.padding, pool.dilation, 0),
                        Axis(pool.kernel_size, pool.stride, pool.padding, pool.dilation, 1)));
                case AvgPool2d pool:
                    if (pool.ceil_mode) throw new UnsupportedModule(path, module, "uses ceil_mode");
                    if (pool.divisor_override is not null) throw new UnsupportedModule(path, module, "has a divisor_override");
                    return Add(new PoolingNode(path, input, false, pool.count_include_pad,
                        Axis(pool.kernel_size, pool.stride, pool.padding, null, 0),
                        Axis(pool.kernel_size, pool.stride, pool.padding, null, 1)));
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

        private static ConvolutionNode Convolution(Conv2d conv, string path, int input)
        {
            if (conv.transposed) throw new UnsupportedModule(path, conv, "is transposed");
            if (conv.padding_mode != PaddingModes.Zeros) throw new UnsupportedModule(path, conv, $"pads with {conv.padding_mode}, not zeros");
            long[]? padding;
            if (conv.padding_type is null) padding = conv.padding;
            else if (conv.padding_type == Padding.Valid) padding = new long[] { 0, 0 };
            else throw new UnsupportedModule(path, conv, "uses padding='same'");
            return new ConvolutionNode(path, input, conv,
                Axis(conv.kernel_size, conv.stride, padding, conv.dilation, 0),
                Axis(conv.kernel_size, conv.stride, padding, conv.dilation, 1));
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
