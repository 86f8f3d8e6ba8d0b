using Google.Protobuf;
using Lumen.Onnx;
using Lumen.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>Builds ONNX graphs node by node in tests (protobuf written from C#), with seeded random weights.</summary>
internal sealed class GraphBuilder
{
    private readonly Generator generator;
    private int counter;

    public GraphBuilder(int seed, long opset = 13, params long[] inputShape)
    {
        generator = new Generator((ulong)seed);
        Model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "test" } };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        Model.Graph.Input.Add(Value("input", new long?[] { null }.Concat(inputShape.Select(d => (long?)d)).ToArray()));
    }

    public ModelProto Model { get; }

    /// <summary>A random float initializer (raw data, or typed float_data when <paramref name="typed"/>).</summary>
    public string Weight(long[] shape, bool typed = false, double scale = 0.3)
    {
        string name = $"w{counter++}";
        using var scope = torch.NewDisposeScope();
        Tensor value = torch.randn(shape, generator: generator) * scale;
        TensorProto proto;
        if (typed)
        {
            proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            proto.Dims.AddRange(shape);
            proto.FloatData.AddRange(value.data<float>().ToArray());
        }
        else proto = TensorData.FromTensor(name, value);
        Model.Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 initializer in the typed int64_data field.</summary>
    public string Longs(params long[] values)
    {
        string name = $"c{counter++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        Model.Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A float initializer with the given values.</summary>
    public string Floats(params float[] values)
    {
        string name = $"f{counter++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.Add(values.Length);
        proto.FloatData.AddRange(values);
        Model.Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node; returns its first output.</summary>
    public string Node(string op, string[] inputs, params AttributeProto[] attributes) => Nodes(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs.</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{counter++}" };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => $"{node.Name}_out{i}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Model.Graph.Node.Add(node);
        return names;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>Declares <paramref name="name"/> the graph output and writes the model to <paramref name="path"/>.</summary>
    public string Save(string name, string path)
    {
        Model.Graph.Output.Add(Value(name, new long?[] { null, null }));
        File.WriteAllBytes(path, Model.ToByteArray());
        return path;
    }

    private static ValueInfoProto Value(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long? d in dims)
            shape.Dim.Add(d is long v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}
