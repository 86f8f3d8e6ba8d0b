using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// An imported ONNX graph as a TorchSharp module: runs the nodes in order with TorchSharp operations. Every node with
/// floating-point data is a named child layer invoked through <c>call</c> (Conv2d, Linear, ReLU, BatchNorm2d,
/// MaxPool2d, ... where the operator has a module; <see cref="NodeLayer"/> otherwise), so gradients, forward hooks,
/// guided backprop and LRP work on it. Integer shape computations run as plain functions.
/// </summary>
public sealed class OnnxGraphModule : nn.Module<Tensor, Tensor>
{
    private readonly string inputName;
    private readonly string outputName;
    private readonly IReadOnlyList<GraphStep> steps;
    private readonly Dictionary<string, Tensor> constants;

    internal OnnxGraphModule(string inputName, string outputName, IReadOnlyList<(string Name, GraphStep Step)> steps, Dictionary<string, Tensor> constants)
        : base("OnnxGraph")
    {
        this.inputName = inputName;
        this.outputName = outputName;
        this.steps = steps.Select(s => s.Step).ToList();
        this.constants = constants;
        foreach (var (name, step) in steps)
        {
            if (step.Layer is not null) register_module(name, step.Layer);
        }
    }

    /// <summary>The number of nodes the graph runs (layers and shape computations).</summary>
    public int StepCount => steps.Count;

    /// <summary>Runs the graph on <paramref name="input"/> and returns its (first) output.</summary>
    public override Tensor forward(Tensor input)
    {
        FollowDevice(input);
        var values = new Dictionary<string, Tensor>(constants, StringComparer.Ordinal) { [inputName] = input };
        foreach (var step in steps) step.Run(values);
        return values[outputName];
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
