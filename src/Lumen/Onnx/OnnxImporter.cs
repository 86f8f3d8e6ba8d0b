using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Onnx.Graph;
using Lumen.Onnx.Operators;
using Lumen.Onnx.Proto;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// Imports an ONNX image classifier (opsets 7–21) as an executable TorchSharp module: initializers (raw, typed or
/// external data inside the model's folder) become parameters and constants, nodes become named layers. An
/// unsupported operator stops the import with a model error naming it and its node; nothing is approximated.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The lowest default-domain opset imported.</summary>
    public const long MinOpset = 7;

    /// <summary>The highest default-domain opset imported.</summary>
    public const long MaxOpset = 21;

    /// <summary>Whether <paramref name="path"/> names an ONNX file (by its extension).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Imports the model at <paramref name="path"/>.</summary>
    public static ExplainableModel Load(string path, OnnxImportOptions? options = null)
    {
        options ??= new OnnxImportOptions();
        ModelProto proto = OnnxFile.Read(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var budget = new ImportBudget(ImportBudget.LimitFor(options), path);
        var (module, shape) = Build(proto, folder, options.InputShape, budget);
        try
        {
            return new ExplainableModel(module, path, shape, options.ClassLabels, options.Preprocessing);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>The input [C, H, W] the graph declares (null entries where it leaves a size open) and the input's name.</summary>
    public static (string Name, long?[] Shape) DescribeInput(string path)
    {
        ModelProto proto = OnnxFile.Read(path);
        var input = RealInput(proto.Graph);
        ChannelsLastInput.Apply(proto.Graph, input);
        return (input.Name, DeclaredShape(input));
    }

    /// <summary>
    /// Builds the module of <paramref name="proto"/>: weights read, constants folded, and an example pass at the
    /// input size (one image) that gives every node its example values. Every tensor the import allocates beyond the
    /// file's weights is reserved in <paramref name="budget"/> from its declared size first, and example values are
    /// let go after their last use.
    /// </summary>
    internal static (OnnxGraphModule Module, long[] InputShape) Build(ModelProto proto, string folder, IReadOnlyList<long>? inputShape, ImportBudget budget)
    {
        var (module, shape) = Build(proto, folder, inputShape, budget, screenOnly: false);
        return (module!, shape);
    }

    /// <summary>
    /// Checks, before ONNX Runtime is given <paramref name="path"/>, every tensor the importer can compute from the
    /// graph (constants, folded values, the example pass up to the operators it does not support) against the import
    /// budget of <paramref name="options"/>: a file that routes itself to ONNX Runtime with an unsupported operator is
    /// held to the same limits as far as they can be worked out.
    /// </summary>
    internal static void Screen(string path, IReadOnlyList<long> inputShape, OnnxImportOptions options)
    {
        ModelProto proto = OnnxFile.Read(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            Build(proto, folder, inputShape, new ImportBudget(ImportBudget.LimitFor(options), path), screenOnly: true);
        }
        catch (UnsupportedGraphException)
        {
            // The whole graph is outside what the importer reads (its opset): only the input size can be checked.
            new ImportBudget(ImportBudget.LimitFor(options), path).ReserveInput(new[] { 1L }.Concat(inputShape).ToArray());
        }
    }

    private static (OnnxGraphModule? Module, long[] InputShape) Build(ModelProto proto, string folder, IReadOnlyList<long>? inputShape, ImportBudget budget, bool screenOnly)
    {
        long opset = Opset(proto);
        var input = RealInput(proto.Graph);
        ChannelsLastInput.Apply(proto.Graph, input);
        InitializerAliases.Resolve(proto.Graph);
        long[] shape = ResolveShape(input, inputShape);
        if (proto.Graph.Output.Count == 0) throw LumenException.Model("the ONNX graph declares no output");
        string outputName = proto.Graph.Output[0].Name;

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (graph, foldedScales) = ScaleFolding.Apply(proto.Graph, folder, budget);
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            if (initializer.Name.Length == 0) throw LumenException.Model("an ONNX initializer has no name");
            constants[initializer.Name] = TensorData.ToTensor(initializer, folder, budget);
        }
        long[] exampleShape = new[] { 1L }.Concat(shape).ToArray();
        long inputBytes = budget.ReserveInput(exampleShape);
        var examples = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [input.Name] = torch.full(exampleShape, 0.5f),
        };
        var charged = new Dictionary<string, long>(StringComparer.Ordinal) { [input.Name] = inputBytes };
        var (unfused, foldedBiases) = BiasFolding.Apply(graph);
        var foldedNodes = foldedBiases.Concat(foldedScales.Where(pair => !foldedBiases.ContainsKey(pair.Key))).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var fusion = PatternFusion.Apply(unfused, graph);
        var nodes = fusion.Nodes;
        var lastUse = LastUses(nodes, graph, outputName);
        var unknown = screenOnly ? new HashSet<string>(StringComparer.Ordinal) : null;
        var shapeValues = new HashSet<string>(StringComparer.Ordinal);
        var steps = new List<(string, GraphStep)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int index = 0; index < nodes.Count; index++)
        {
            NodeProto node = nodes[index];
            string[] inputs = node.Input.ToArray();
            // Screening a graph for ONNX Runtime: what the importer cannot compute is unknown, and so is all that follows from it.
            if (unknown is not null && inputs.Any(unknown.Contains))
            {
                unknown.UnionWith(node.Output);
                continue;
            }

            try
            {
                var values = inputs.Select(name => Lookup(name, node, constants, examples)).ToArray();
                var constant = inputs.Select(name => name.Length == 0 || constants.ContainsKey(name)).ToArray();
                string layerName = UniqueName(node, index, names);
                var context = new NodeContext(node, layerName, opset, values, constant, folder, budget);
                Lowering lowering = Run(context, () => OperatorTable.Lower(context));
                int[] dynamic = Enumerable.Range(0, inputs.Length).Where(i => !constant[i]).ToArray();
                string[] outputs = node.Output.ToArray();
                // The outputs' memory is reserved from the inputs' shapes before the node runs, then set to what they hold.
                long bound = ImportBudget.Bytes(Run(context, () => OutputBound.Elements(context)), OutputBound.ElementSize(context));
                budget.Reserve(bound, 1, $"the output of ONNX {node.OpType} node '{context.DisplayName}'");
                if (dynamic.Length == 0)
                {
                    var folded = Run(context, () => lowering.Kernel(values));
                    budget.Release(bound);
                    for (int i = 0; i < outputs.Length && i < folded.Length; i++)
                    {
                        if (outputs[i].Length == 0) continue;
                        // A Constant node's value is held by the file (its widening was charged on reading); folded values are new.
                        if (node.OpType != "Constant") budget.Reserve(BytesOf(folded[i]), 1, $"the constant '{outputs[i]}' folded from ONNX {node.OpType} node '{context.DisplayName}'");
                        constants[outputs[i]] = folded[i];
                    }
                    continue;
                }
                var step = Run(context, () => Step(context, lowering, inputs, outputs, dynamic, shapeValues, fusion.Gates));
                if (IsShapeOperator(node.OpType) || step.Layer is null && dynamic.All(i => shapeValues.Contains(inputs[i])))
                {
                    foreach (string output in outputs) shapeValues.Add(output);
                }
                var current = new Dictionary<string, Tensor>(examples, StringComparer.Ordinal);
                foreach (var (name, value) in constants) current[name] = value;
                Run(context, () => { step.Run(current); return Array.Empty<Tensor>(); });
                budget.Release(bound);
                foreach (string output in outputs.Where(o => o.Length > 0))
                {
                    if (!current.TryGetValue(output, out var produced)) throw context.Error($"output '{output}' was not produced");
                    budget.Reserve(BytesOf(produced), 1, $"the output of ONNX {node.OpType} node '{context.DisplayName}'");
                    charged[output] = BytesOf(produced);
                    examples[output] = produced;
                }
                foreach (string name in inputs.Distinct().Where(name => lastUse.TryGetValue(name, out int last) && last == index))
                {
                    Forget(name, examples, charged, budget);
                }
                if (step.Layer is not null) names.Add(layerName);
                steps.Add((layerName, step));
            }
            catch (UnsupportedGraphException) when (unknown is not null)
            {
                unknown.UnionWith(node.Output);
            }
        }
        if (screenOnly)
        {
            foreach (var (_, step) in steps) step.Layer?.Dispose();
            return (null, shape);
        }


        if (constants.ContainsKey(outputName)) throw LumenException.Model($"the ONNX graph output '{outputName}' is a constant; it does not depend on the input");
        if (!examples.TryGetValue(outputName, out var logits)) throw LumenException.Model($"no node produces the ONNX graph output '{outputName}'");
        long[] outputShape = logits.shape;
        if (outputShape.Length == 0 || outputShape[0] != 1 || (outputShape.Skip(2).Any(d => d != 1) && outputShape.Length != 4))
            throw LumenException.Model($"the ONNX graph output '{outputName}' has shape [{string.Join(", ", outputShape)}] for one image; Lumen explains outputs [N, scores] (trailing sizes of 1 are flattened) or per-pixel scores [N, classes, H, W]");
        var used = new HashSet<string>(steps.SelectMany(s => s.Item2.Inputs), StringComparer.Ordinal);
        var kept = constants.Where(pair => used.Contains(pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value.DetachFromDisposeScope(), StringComparer.Ordinal);
        var signature = new GraphSignature(input.Name, DescribeDeclared(input), DeclaredBatch(input), outputName, outputShape[1..]);
        var module = new OnnxGraphModule(signature, steps, kept, Aliases(nodes, unfused, foldedNodes, fusion.Sources, steps, names));
        try
        {
            if (signature.BatchSize is null && BatchIsTied(module, shape, budget)) module.FixBatch(1);
            return (module, shape);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>The file's node and output names of every layer.</summary>
    /// <remarks>A fused layer also answers to the file's name of the last node it replaces (whose output it computes).</remarks>
    private static LayerAliasTable Aliases(IReadOnlyList<NodeProto> nodes, IReadOnlyList<NodeProto> beforeFusion, IReadOnlyDictionary<string, string> foldedBiases,
        IReadOnlyDictionary<string, string> fusedFrom, List<(string Name, GraphStep Step)> steps, HashSet<string> layerNames)
    {
        var table = new LayerAliasTable();
        static Dictionary<string, NodeProto> ByOutput(IEnumerable<NodeProto> list) =>
            list.Where(n => n.Output.Count > 0).GroupBy(n => n.Output[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var byOutput = ByOutput(nodes);
        var original = ByOutput(beforeFusion);
        foreach (var (name, step) in steps.Where(s => s.Step.Layer is not null && s.Step.Outputs.Length > 0))
        {
            string output = step.Outputs[0];
            string? fused = fusedFrom.GetValueOrDefault(output);
            string? lastFused = fused is not null && original.TryGetValue(output, out var last) ? last.Name : null;
            table.Add(name, byOutput.TryGetValue(output, out var node) ? node.Name : "", output, foldedBiases.GetValueOrDefault(output) ?? lastFused, fused);
        }
        table.RemoveLayerNames(layerNames);
        return table;
    }

    /// <summary>
    /// Whether a graph that declares an open batch still ties it to 1 through shape constants (a Reshape to [1, 256]):
    /// it fails on, or does not give one row per image for, two images. Checked once at import, before any hook exists.
    /// A graph too large to check within the import budget is taken to accept any batch (if it does not, more than one
    /// image is a model error naming its declared input).
    /// </summary>
    private static bool BatchIsTied(OnnxGraphModule module, long[] shape, ImportBudget budget)
    {
        long[] pair = new[] { 2L }.Concat(shape).ToArray();
        if (!budget.InputFits(pair)) return false;
        long bytes = budget.ReserveInput(pair);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return module.forward(torch.full(pair, 0.5f)).shape[0] != 2;
        }
        catch (Exception error) when (error is LumenException { Kind: ErrorKind.Model } or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return true;
        }
        finally
        {
            budget.Release(bytes);
        }
    }

    /// <summary>The index of the last node reading each value; graph outputs are read after every node.</summary>
    private static Dictionary<string, int> LastUses(IReadOnlyList<NodeProto> nodes, GraphProto graph, string outputName)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int index = 0; index < nodes.Count; index++)
        {
            foreach (string name in nodes[index].Input.Where(name => name.Length > 0)) last[name] = index;
        }

        foreach (var output in graph.Output) last[output.Name] = int.MaxValue;
        last[outputName] = int.MaxValue;
        return last;
    }

    /// <summary>Lets go of the example value <paramref name="name"/> after its last use, unless another name holds the same tensor.</summary>
    private static void Forget(string name, Dictionary<string, Tensor> examples, Dictionary<string, long> charged, ImportBudget budget)
    {
        if (!examples.Remove(name, out var tensor)) return;
        if (charged.Remove(name, out long bytes)) budget.Release(bytes);
        if (!examples.Values.Any(other => ReferenceEquals(other, tensor))) tensor.Dispose();
    }

    private static long BytesOf(Tensor tensor) => ImportBudget.Bytes(tensor.numel(), tensor.ElementSize);

    private static T Run<T>(NodeContext context, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (LumenException)
        {
            throw;
        }
        catch (Exception error) when (error is ExternalException or ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                          or FormatException or OverflowException or NullReferenceException or KeyNotFoundException or DivideByZeroException)
        {
            throw context.Error($"it fails on its inputs: {error.Message.Split('\n')[0]}");
        }
    }

    private static GraphStep Step(NodeContext context, Lowering lowering, string[] inputs, string[] outputs, int[] dynamic, HashSet<string> shapeValues,
        IReadOnlyDictionary<string, int> gates)
    {
        // Shape reads only the sizes of its input: its output and everything computed from it alone are integer
        // shape values, computed by plain functions rather than layers.
        int[] data = IsShapeOperator(context.Node.OpType) ? Array.Empty<int>() : dynamic.Where(i => !shapeValues.Contains(inputs[i])).ToArray();
        int outputCount = outputs.Count(o => o.Length > 0);
        string op = context.Node.OpType;
        nn.Module? layer = null;
        if (data.Length == 1 && outputCount == 1 && outputs[0].Length > 0)
        {
            if (lowering.Module is not null && data[0] == 0 && dynamic.Length == 1) layer = lowering.Module();
            else if (lowering.Affine is { } affine && dynamic.Length == 1 && data[0] == 1 - affine.ConstantIndex)
                layer = new ConstantAffineLayer(op, lowering.Kernel, data[0], affine.ConstantIndex, affine.Operation);
            else layer = lowering.ShapeOnly ? new ShapeLayer(op, lowering.Kernel, data[0]) : new NodeLayer(op, lowering.Kernel, data[0]);
        }
        else if (data.Length == 2 && outputCount == 1 && outputs[0].Length > 0)
        {
            if (op == "Add" && inputs.Length == 2 && dynamic.Length == 2) layer = new Addition();
            else if (op == "Mul" && dynamic.Length == 2 && gates.TryGetValue(outputs[0], out int gate))
            {
                layer = new GateLayer(lowering.Kernel, 1 - gate, gate);
                data = new[] { 1 - gate, gate };
            }
            else layer = lowering.ShapeOnly && op == "Concat" ? new ShapePairLayer(op, lowering.Kernel, data[0], data[1]) : new PairLayer(op, lowering.Kernel, data[0], data[1]);
        }
        else if (data.Length > 2 && outputCount == 1 && outputs[0].Length > 0)
        {
            // A Concat of three or more maps (Inception's branches, a dense block's output) is a layer too, so that
            // --layer, CAMs and top-K can name it; the hook sees the first map as its argument and the joined output.
            // It only moves values, so LRP routes relevance through it as its gradient does.
            layer = lowering.ShapeOnly ? new ShapeLayer(op, lowering.Kernel, data[0]) : new NodeLayer(op, lowering.Kernel, data[0]);
        }
        // Evaluation mode before the example pass: a BatchNorm in training mode would update its running statistics.
        layer?.eval();
        return new GraphStep(inputs, outputs, lowering.Kernel, layer, data) { OpType = op, Routes = lowering.ShapeOnly };
    }

    private static bool IsShapeOperator(string opType) => opType == "Shape";

    private static Tensor? Lookup(string name, NodeProto node, Dictionary<string, Tensor> constants, Dictionary<string, Tensor> examples)
    {
        if (name.Length == 0) return null;
        if (constants.TryGetValue(name, out var constant)) return constant;
        if (examples.TryGetValue(name, out var example)) return example;
        throw LumenException.Model($"input '{name}' of ONNX {node.OpType} node '{(node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault())}' is produced by no earlier node; the graph must be sorted topologically");
    }

    private static string UniqueName(NodeProto node, int index, HashSet<string> taken)
    {
        string raw = node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? "";
        string name = Sanitize(raw);
        if (name.Length == 0) name = $"{node.OpType}_{index}";
        string unique = name;
        for (int k = 2; taken.Contains(unique); k++) unique = $"{name}_{k}";
        return unique;
    }

    /// <summary>An ONNX node or value name as a layer name: letters, digits, '_' and '-' kept, anything else '_', trimmed.</summary>
    public static string Sanitize(string raw)
    {
        var chars = raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray();
        return new string(chars).Trim('_');
    }

    private static long Opset(ModelProto proto)
    {
        var entry = proto.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx");
        if (entry is null) throw LumenException.Model("the ONNX model imports no default-domain operator set (opset_import is empty)");
        if (entry.Version < MinOpset || entry.Version > MaxOpset)
            throw new UnsupportedGraphException($"the ONNX model uses opset {entry.Version}; the importer supports opsets {MinOpset}-{MaxOpset} (re-export it, or use a perturbation method on ONNX Runtime)");
        return entry.Version;
    }

    internal static ValueInfoProto RealInput(GraphProto graph)
    {
        var initializers = new HashSet<string>(graph.Initializer.Select(i => i.Name), StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw LumenException.Model($"the ONNX graph has {inputs.Count} inputs besides its weights ({string.Join(", ", inputs.Select(i => i.Name))}); Lumen explains models with one image input");
        return inputs[0];
    }

    /// <summary>The batch size the graph input declares, or null when it leaves it open.</summary>
    private static long? DeclaredBatch(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        return dims is { Count: > 0 } && dims[0].HasDimValue && dims[0].DimValue > 0 ? dims[0].DimValue : null;
    }

    /// <summary>The graph input's shape as declared, e.g. <c>[1, 1, 28, 28]</c>; open sizes by their names, else <c>?</c>.</summary>
    private static string DescribeDeclared(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null) return "[?]";
        return $"[{string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam.Length > 0 ? d.DimParam : "?"))}]";
    }

    private static long?[] DeclaredShape(ValueInfoProto input)
    {
        var tensorType = input.Type?.TensorType;
        if (tensorType is null) throw LumenException.Model($"the ONNX graph input '{input.Name}' is not a tensor");
        if (tensorType.ElemType != (int)TensorProto.Types.DataType.Float)
            throw LumenException.Model($"the ONNX graph input '{input.Name}' has element type {(TensorProto.Types.DataType)tensorType.ElemType}; Lumen feeds float32 images");
        var dims = tensorType.Shape?.Dim;
        if (dims is null) return new long?[] { null, null, null };
        if (dims.Count != 4) throw LumenException.Model($"the ONNX graph input '{input.Name}' has rank {dims.Count}; Lumen explains image models taking [N, C, H, W]");
        return dims.Skip(1).Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : (long?)null).ToArray();
    }

    private static long[] ResolveShape(ValueInfoProto input, IReadOnlyList<long>? given) => ResolveShape(DeclaredShape(input), given, input.Name);

    /// <summary>The input shape [C, H, W]: <paramref name="given"/> checked against the graph's <paramref name="declared"/> sizes, else the declared ones.</summary>
    internal static long[] ResolveShape(long?[] declared, IReadOnlyList<long>? given, string inputName)
    {
        if (given is not null)
        {
            if (given.Count != 3 || given.Any(d => d <= 0)) throw LumenException.Usage($"the input shape must be [C, H, W] with positive sizes, got [{string.Join(", ", given)}]");
            for (int i = 0; i < 3; i++)
            {
                if (declared[i] is long d && d != given[i])
                    throw LumenException.Usage($"the ONNX graph input '{inputName}' is [N, {Describe(declared)}], which does not fit the given size [{string.Join(", ", given)}]");
            }
            return given.ToArray();
        }
        if (declared.Any(d => d is null))
            throw LumenException.Usage($"the ONNX graph input '{inputName}' is [N, {Describe(declared)}] with open sizes; state them with --size (and the channels through the sidecar JSON)");
        return declared.Select(d => d!.Value).ToArray();
    }

    private static string Describe(long?[] shape) => string.Join(", ", shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"));
}
