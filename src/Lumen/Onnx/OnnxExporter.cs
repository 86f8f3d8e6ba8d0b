using Lumen.Models.Architectures;
using Lumen.Onnx.Proto;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// Writes a TorchSharp classifier as an ONNX file: traces one forward pass with hooks on every layer and emits one
/// node per layer (Conv2d, Linear, BatchNorm1d/2d, ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d,
/// AdaptiveAvgPool2d(1), Flatten, Dropout, Addition). The batch dimension is dynamic.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Exports <paramref name="module"/>, taking images of shape <paramref name="inputShape"/> [C, H, W], to <paramref name="path"/>.</summary>
    public static void Export(nn.Module<Tensor, Tensor> module, IReadOnlyList<long> inputShape, string path, OnnxExportOptions? options = null) =>
        OnnxFile.Write(Build(module, inputShape, options ?? new OnnxExportOptions()), path);

    internal static ModelProto Build(nn.Module<Tensor, Tensor> module, IReadOnlyList<long> inputShape, OnnxExportOptions options)
    {
        if (options.Opset is not (8 or 13)) throw LumenException.Usage($"the exporter writes opset 8 or 13, not {options.Opset}");
        if (inputShape.Count != 3) throw LumenException.Usage("the input shape must be [C, H, W]");
        bool wasTraining = module.training;
        module.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var trace = new ExportTrace();
        string output = trace.Run(module, torch.zeros(new[] { 1L }.Concat(inputShape).ToArray(), device: Runtime.ComputeDevice.Of(module).Torch), options.InputName);
        if (wasTraining) module.train();
        var graph = new GraphProto { Name = "lumen" };
        foreach (var call in trace.Calls) Emit(graph, call, options.Opset);
        // The graph's output gets the stated name through an Identity node.
        graph.Node.Add(Node("Identity", "output", new[] { output }, options.OutputName));
        graph.Input.Add(Value(options.InputName, new long?[] { null }.Concat(inputShape.Select(d => (long?)d)).ToArray()));
        graph.Output.Add(Value(options.OutputName, new long?[] { null, null }));
        if (options.InitializersAsInputs)
        {
            foreach (var initializer in graph.Initializer) graph.Input.Add(Value(initializer, initializer.Dims.Select(d => (long?)d).ToArray()));
        }
        var model = new ModelProto
        {
            IrVersion = options.Opset == 8 ? 3 : 7,
            ProducerName = "lumen",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        return model;
    }

    private static void Emit(GraphProto graph, ExportTrace.Call call, int opset)
    {
        string name = OnnxImporter.Sanitize(call.Layer.Replace('.', '_'));
        string Weight(string suffix, Tensor tensor)
        {
            string weightName = $"{call.Layer}.{suffix}";
            graph.Initializer.Add(TensorData.FromTensor(weightName, tensor));
            return weightName;
        }
        NodeProto node;
        switch (call.Module)
        {
            case Conv2d conv:
                if (conv.transposed || conv.padding_mode != PaddingModes.Zeros || conv.padding_type is not null && conv.padding is null)
                    throw LumenException.Usage($"cannot export layer '{call.Layer}': only Conv2d with numeric zero padding is supported");
                var inputs = new List<string> { call.Inputs[0], Weight("weight", conv.weight!) };
                if (conv.bias is not null) inputs.Add(Weight("bias", conv.bias));
                node = Node("Conv", name, inputs.ToArray(), call.Output);
                long[] pads = conv.padding!;
                node.Attribute.Add(Ints("kernel_shape", conv.weight!.shape[2..]));
                node.Attribute.Add(Ints("strides", conv.stride));
                node.Attribute.Add(Ints("pads", pads.Concat(pads).ToArray()));
                node.Attribute.Add(Ints("dilations", conv.dilation));
                node.Attribute.Add(Int("group", conv.groups));
                break;
            case Linear linear:
                if (call.InputShape.Length != 2) throw LumenException.Usage($"cannot export layer '{call.Layer}': Linear on a rank-{call.InputShape.Length} input (flatten first)");
                var gemmInputs = new List<string> { call.Inputs[0], Weight("weight", linear.weight!) };
                if (linear.bias is not null) gemmInputs.Add(Weight("bias", linear.bias));
                node = Node("Gemm", name, gemmInputs.ToArray(), call.Output);
                node.Attribute.Add(Int("transB", 1));
                break;
            case BatchNorm norm:
                if (norm.running_mean is null || norm.running_var is null)
                    throw LumenException.Usage($"cannot export layer '{call.Layer}': BatchNorm without running statistics");
                long features = norm.running_mean.shape[0];
                node = Node("BatchNormalization", name, new[]
                {
                    call.Inputs[0],
                    Weight("weight", norm.weight?.detach() ?? torch.ones(features)),
                    Weight("bias", norm.bias?.detach() ?? torch.zeros(features)),
                    Weight("running_mean", norm.running_mean),
                    Weight("running_var", norm.running_var),
                }, call.Output);
                node.Attribute.Add(Float("epsilon", (float)norm.eps));
                break;
            case ReLU:
                node = Node("Relu", name, call.Inputs, call.Output);
                break;
            case ReLU6:
                if (opset >= 11)
                {
                    node = Node("Clip", name, new[] { call.Inputs[0], Weight("min", torch.tensor(0f)), Weight("max", torch.tensor(6f)) }, call.Output);
                }
                else
                {
                    node = Node("Clip", name, call.Inputs, call.Output);
                    node.Attribute.Add(Float("min", 0));
                    node.Attribute.Add(Float("max", 6));
                }
                break;
            case LeakyReLU leaky:
                node = Node("LeakyRelu", name, call.Inputs, call.Output);
                node.Attribute.Add(Float("alpha", (float)leaky.negative_slope));
                break;
            case Sigmoid:
                node = Node("Sigmoid", name, call.Inputs, call.Output);
                break;
            case Tanh:
                node = Node("Tanh", name, call.Inputs, call.Output);
                break;
            case MaxPool2d pool:
                node = Node("MaxPool", name, call.Inputs, call.Output);
                AddPooling(node, call.Layer, pool.kernel_size, pool.stride, pool.padding, pool.dilation, pool.ceil_mode, opset);
                break;
            case AvgPool2d pool:
                if (pool.divisor_override is not null) throw LumenException.Usage($"cannot export layer '{call.Layer}': AvgPool2d with divisor_override");
                node = Node("AveragePool", name, call.Inputs, call.Output);
                AddPooling(node, call.Layer, pool.kernel_size, pool.stride, pool.padding, null, pool.ceil_mode, opset);
                node.Attribute.Add(Int("count_include_pad", pool.count_include_pad ? 1 : 0));
                break;
            case AdaptiveAvgPool2d adaptive:
                if (adaptive.output_size.Any(s => s != 1)) throw LumenException.Usage($"cannot export layer '{call.Layer}': only AdaptiveAvgPool2d(1) is supported");
                node = Node("GlobalAveragePool", name, call.Inputs, call.Output);
                break;
            case Flatten flatten:
                if (flatten.end_dim != -1 && flatten.end_dim != call.InputShape.Length - 1)
                    throw LumenException.Usage($"cannot export layer '{call.Layer}': Flatten must run to the last axis");
                node = Node("Flatten", name, call.Inputs, call.Output);
                node.Attribute.Add(Int("axis", flatten.start_dim < 0 ? flatten.start_dim + call.InputShape.Length : flatten.start_dim));
                break;
            case Dropout or Dropout2d or Identity:
                node = Node("Identity", name, call.Inputs, call.Output);
                break;
            case Addition:
                node = Node("Add", name, call.Inputs, call.Output);
                break;
            default:
                throw LumenException.Usage($"cannot export layer '{call.Layer}' ({call.Module.GetType().Name}); the exporter writes Conv2d, Linear, BatchNorm, ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), Flatten, Dropout and Addition");
        }
        graph.Node.Add(node);
    }

    private static void AddPooling(NodeProto node, string layer, long[] kernel, long[]? stride, long[]? padding, long[]? dilation, bool ceil, int opset)
    {
        long[] pads = padding ?? new long[kernel.Length];
        node.Attribute.Add(Ints("kernel_shape", kernel));
        node.Attribute.Add(Ints("strides", stride ?? kernel));
        node.Attribute.Add(Ints("pads", pads.Concat(pads).ToArray()));
        bool dilated = dilation is not null && dilation.Any(d => d != 1);
        if (opset < 10 && (dilated || ceil))
            throw LumenException.Usage($"cannot export layer '{layer}' at opset {opset}: dilation and ceil_mode need opset 10 or later");
        if (opset >= 10)
        {
            if (dilation is not null && node.OpType == "MaxPool") node.Attribute.Add(Ints("dilations", dilation));
            node.Attribute.Add(Int("ceil_mode", ceil ? 1 : 0));
        }
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static AttributeProto Ints(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto Value(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long? d in dims)
            shape.Dim.Add(d is long value ? new TensorShapeProto.Types.Dimension { DimValue = value } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static ValueInfoProto Value(TensorProto initializer, long?[] dims)
    {
        var value = Value(initializer.Name, dims);
        value.Type.TensorType.ElemType = initializer.DataType;
        return value;
    }
}
