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
        var values = new Dictionary<string, Tensor>(constants, StringComparer.Ordinal) { [inputName] = input };
        foreach (var step in steps) step.Run(values);
        return values[outputName];
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
