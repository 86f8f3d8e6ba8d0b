using Lumen.Models.Architectures;
using Lumen.Onnx.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// One node of an imported graph at run time: a layer (a module run with <c>call</c>) or, for integer shape
/// computations and nodes with several outputs, a plain function.
/// </summary>
internal sealed class GraphStep
{
    public GraphStep(string[] inputs, string[] outputs, Kernel kernel, nn.Module? layer, int[] dataInputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        Kernel = kernel;
        Layer = layer;
        DataInputs = dataInputs;
    }

    /// <summary>The names of the node's inputs ("" for an omitted optional input).</summary>
    public string[] Inputs { get; }

    /// <summary>The names of the node's outputs.</summary>
    public string[] Outputs { get; }

    /// <summary>The node's kernel (used when it has no layer).</summary>
    public Kernel Kernel { get; }

    /// <summary>The layer, or null for a function step.</summary>
    public nn.Module? Layer { get; }

    /// <summary>The indices of the floating-point inputs the layer takes as arguments.</summary>
    public int[] DataInputs { get; }

    /// <summary>Runs the step, reading its inputs from <paramref name="values"/> and writing its outputs there.</summary>
    public void Run(Dictionary<string, Tensor> values)
    {
        var inputs = Inputs.Select(name => name.Length == 0 ? null : values[name]).ToArray();
        Tensor[] outputs;
        switch (Layer)
        {
            case NodeLayer node:
                node.Inputs = inputs;
                try { outputs = new[] { node.call(inputs[DataInputs[0]]!) }; }
                finally { node.Inputs = null; }
                break;
            case PairLayer pair:
                pair.Inputs = inputs;
                try { outputs = new[] { pair.call(inputs[DataInputs[0]]!, inputs[DataInputs[1]]!) }; }
                finally { pair.Inputs = null; }
                break;
            case Addition addition:
                outputs = new[] { addition.call(inputs[DataInputs[0]]!, inputs[DataInputs[1]]!) };
                break;
            case nn.Module<Tensor, Tensor> module:
                outputs = new[] { module.call(inputs[DataInputs[0]]!) };
                break;
            default:
                outputs = Kernel(inputs);
                break;
        }
        for (int i = 0; i < Outputs.Length && i < outputs.Length; i++)
        {
            if (Outputs[i].Length > 0) values[Outputs[i]] = outputs[i];
        }
    }
}
