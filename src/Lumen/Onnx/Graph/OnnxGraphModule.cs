using System.Runtime.InteropServices;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// An imported ONNX graph as a TorchSharp module: runs the nodes in order with TorchSharp operations. Every node with
/// floating-point data is a named child layer invoked through <c>call</c> (Conv2d, Linear, ReLU, BatchNorm2d,
/// MaxPool2d, ... where the operator has a module; <see cref="NodeLayer"/> otherwise), so gradients, forward hooks,
/// guided backprop and LRP work on it. Integer shape computations run as plain functions. Layers also answer to the
/// node and output names of the file (<see cref="ILayerAliases"/>); an output such as [N, 512, 1, 1] is read as
/// [N, 512] (<see cref="IOutputReading"/>); a graph that accepts only a fixed batch runs larger batches chunk by chunk.
/// </summary>
public sealed class OnnxGraphModule : nn.Module<Tensor, Tensor>, ILayerAliases, IOutputReading
{
    private GraphSignature signature;
    private readonly IReadOnlyList<GraphStep> steps;
    private readonly IReadOnlyList<(string Name, GraphStep Step)> namedSteps;
    private readonly Dictionary<string, Tensor> constants;
    private readonly LayerAliasTable aliases;

    internal OnnxGraphModule(GraphSignature signature, IReadOnlyList<(string Name, GraphStep Step)> steps, Dictionary<string, Tensor> constants, LayerAliasTable aliases)
        : base("OnnxGraph")
    {
        this.signature = signature;
        this.steps = steps.Select(s => s.Step).ToList();
        namedSteps = steps.ToList();
        this.constants = constants;
        this.aliases = aliases;
        foreach (var (name, step) in steps)
        {
            if (step.Layer is not null) register_module(name, step.Layer);
        }
    }

    /// <summary>The number of nodes the graph runs (layers and shape computations).</summary>
    public int StepCount => steps.Count;

    /// <summary>The only batch size the graph accepts (larger batches run in chunks of it), or null when it takes any.</summary>
    public long? BatchSize => signature.BatchSize;

    /// <summary>Records that the graph, though its input leaves the batch open, takes only <paramref name="size"/> images at a time.</summary>
    internal void FixBatch(long size) => signature = signature with { BatchSize = size };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> LayerAliases => aliases.Aliases;

    /// <inheritdoc />
    public string? SourceName(string layer) => aliases.SourceName(layer);

    /// <inheritdoc />
    public string OutputReading => signature.OutputReading;

    /// <summary>The graph input's name.</summary>
    internal string InputName => signature.InputName;

    /// <summary>The steps in the order they run, with the names of their layers.</summary>
    internal IReadOnlyList<(string Name, GraphStep Step)> Steps => namedSteps;

    /// <summary>The steps that compute floating-point values from the image outside any layer (hooks cannot see them), as "op 'output'".</summary>
    internal IEnumerable<string> HiddenComputations() =>
        namedSteps.Where(s => s.Step.IsHiddenComputation).Select(s => $"{s.Step.OpType} '{s.Step.Outputs.FirstOrDefault(o => o.Length > 0) ?? s.Name}'");

    /// <summary>
    /// The leaf layer whose output <paramref name="layer"/> takes as its only computed input when nothing else reads
    /// that output (so the two can be merged); null otherwise. A padded convolution's layer is its convolution.
    /// </summary>
    internal nn.Module? DirectProducer(nn.Module layer)
    {
        var step = steps.FirstOrDefault(s => ReferenceEquals(s.Layer, layer));
        if (step is null || step.DataInputs.Length != 1) return null;
        string value = step.Inputs[step.DataInputs[0]];
        if (value == signature.OutputName || steps.Count(s => s.Inputs.Contains(value)) != 1) return null;
        var producer = steps.FirstOrDefault(s => s.Outputs.Contains(value))?.Layer;
        return producer is TorchSharp.Modules.Sequential sequence ? sequence.children().LastOrDefault() : producer;
    }

    /// <summary>The name of the graph output.</summary>
    internal string OutputName => signature.OutputName;

    /// <summary>Runs the graph on <paramref name="input"/> and returns its (first) output as [N, scores].</summary>
    public override Tensor forward(Tensor input) => RunFrom(0, signature.InputName, input);

    /// <summary>
    /// Runs steps <paramref name="first"/> onwards, given only the value <paramref name="name"/> (the graph's remaining
    /// steps must read no other computed value), and returns the output as [N, scores].
    /// </summary>
    internal Tensor RunFrom(int first, string name, Tensor value)
    {
        FollowDevice(value);
        Tensor output;
        try
        {
            output = signature.BatchSize is long size && value.shape[0] != size ? RunChunked(first, name, value, size) : Run(first, name, value);
        }
        catch (ExternalException error) when (!error.Message.Contains("allocate", StringComparison.Ordinal))
        {
            throw LumenException.Model($"the ONNX graph fails on a batch of shape [{string.Join(", ", value.shape)}] ({error.Message.Split('\n')[0].Trim()}); its input '{signature.InputName}' is declared {signature.DeclaredInput}", error);
        }
        return signature.FlattensOutput ? output.reshape(output.shape[0], -1) : output;
    }

    private Tensor Run(int first, string name, Tensor value)
    {
        var values = new Dictionary<string, Tensor>(constants, StringComparer.Ordinal) { [name] = value };
        for (int i = first; i < steps.Count; i++) steps[i].Run(values);
        return values[signature.OutputName];
    }

    private Tensor RunChunked(int first, string name, Tensor value, long size)
    {
        var values = new ChunkedValues(constants, name, value, new BatchChunks(value.shape[0], size));
        for (int i = first; i < steps.Count; i++) steps[i].RunChunked(values);
        return values.Whole(signature.OutputName)!;
    }

    /// <summary>
    /// Moves the floating-point constants (weights handed to functions) to the input's device when they are elsewhere;
    /// integer constants are shape values, read on the CPU, and stay there. Nothing moves while the device is the same.
    /// </summary>
    private void FollowDevice(Tensor input)
    {
        var moving = constants
            .Where(entry => entry.Value.is_floating_point() && (entry.Value.device_type != input.device_type || entry.Value.device_index != input.device_index))
            .Select(entry => entry.Key).ToList();
        foreach (string name in moving)
        {
            Tensor previous = constants[name];
            constants[name] = previous.to(input.device).DetachFromDisposeScope();
            previous.Dispose();
        }
    }

    /// <summary>Frees the graph's constants.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var constant in constants.Values) constant.Dispose();
            constants.Clear();
        }
        base.Dispose(disposing);
    }
}
