using Lumen.Models.Architectures;
using Lumen.Onnx.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Graph;

/// <summary>
/// One node of an imported graph at run time: a layer (a module run with <c>call</c>) or, for integer shape
/// computations and nodes with several outputs (Split), a plain function.
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

    /// <summary>
    /// Runs the step over a batch larger than the graph's declared one: a standard layer once on the whole batch; a
    /// <see cref="NodeLayer"/> or <see cref="PairLayer"/> once (so hooks see the whole batch), its kernel per chunk; a
    /// function step per chunk.
    /// </summary>
    public void RunChunked(ChunkedValues values)
    {
        var chunks = values.Chunks;
        IReadOnlyList<Tensor?>[] ChunkInputs() => Enumerable.Range(0, chunks.Chunks)
            .Select(chunk => (IReadOnlyList<Tensor?>)Inputs.Select(name => values.Chunk(name, chunk)).ToArray()).ToArray();
        Tensor Data(int index) => values.Whole(Inputs[DataInputs[index]])!;
        switch (Layer)
        {
            case NodeLayer node:
                node.Chunked = (chunks, ChunkInputs());
                try { values.SetWhole(Outputs[0], node.call(Data(0))); }
                finally { node.Chunked = null; }
                break;
            case PairLayer pair:
                pair.Chunked = (chunks, ChunkInputs());
                try { values.SetWhole(Outputs[0], pair.call(Data(0), Data(1))); }
                finally { pair.Chunked = null; }
                break;
            case Addition addition:
                values.SetWhole(Outputs[0], addition.call(Data(0), Data(1)));
                break;
            case nn.Module<Tensor, Tensor> module:
                values.SetWhole(Outputs[0], module.call(Data(0)));
                break;
            default:
                var outputs = ChunkInputs().Select(inputs => Kernel(inputs)).ToArray();
                for (int i = 0; i < Outputs.Length; i++)
                {
                    if (Outputs[i].Length > 0 && outputs.All(o => i < o.Length)) values.SetChunks(Outputs[i], outputs.Select(o => o[i]).ToArray());
                }
                break;
        }
    }
}
