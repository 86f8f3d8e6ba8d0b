using Lumen.Models.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// Records, with forward hooks on every leaf module, which layer ran on which tensors during one forward pass: the
/// model's data flow as long as every operation is a module invoked through <c>call</c>. A tensor not produced by a
/// recorded layer (a functional operation in some forward) is reported, so nothing is exported wrongly.
/// </summary>
internal sealed class ExportTrace : IDisposable
{
    private readonly Dictionary<string, string> producers = new(StringComparer.Ordinal);

    /// <summary>One recorded layer call.</summary>
    public sealed record Call(string Layer, nn.Module Module, string[] Inputs, string Output, long[] InputShape);

    /// <summary>The recorded calls, in the order they ran.</summary>
    public List<Call> Calls { get; } = new();

    /// <summary>Runs <paramref name="module"/> on <paramref name="input"/> (named <paramref name="inputName"/>) and records its layers.</summary>
    public string Run(nn.Module<Tensor, Tensor> module, Tensor input, string inputName)
    {
        var removers = new List<Action>();
        producers[Key(input)] = inputName;
        try
        {
            foreach (var (name, child) in module.named_modules())
            {
                if (name.Length == 0 || child.children().Any()) continue;
                switch (child)
                {
                    case nn.Module<Tensor, Tensor> single:
                        removers.Add(single.register_forward_hook((m, x, y) => Record(name, m, new[] { x }, y)).remove);
                        break;
                    case nn.Module<Tensor, Tensor, Tensor> pair:
                        removers.Add(pair.register_forward_hook((m, a, b, y) => Record(name, m, new[] { a, b }, y)).remove);
                        break;
                    default:
                        throw LumenException.Usage($"cannot export layer '{name}' ({child.GetType().Name}): only modules taking tensors are supported");
                }
            }
            Tensor output = module.call(input);
            return Producer(output, "the model's output");
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
    }

    private Tensor Record(string layer, nn.Module module, Tensor[] inputs, Tensor output)
    {
        string[] names = inputs.Select(x => Producer(x, $"the input of layer '{layer}'")).ToArray();
        string outputName = $"{OnnxImporter.Sanitize(layer.Replace('.', '_'))}_out";
        Calls.Add(new Call(layer, module, names, outputName, inputs[0].shape));
        producers[Key(output)] = outputName;
        return output;
    }

    private string Producer(Tensor tensor, string what) =>
        producers.TryGetValue(Key(tensor), out var name)
            ? name
            : throw LumenException.Usage($"cannot export: {what} is computed outside any layer (a functional operation in a forward method); build the model from modules invoked with call(), e.g. nn.Flatten and Lumen's Addition");

    // The tensor object a layer returns is the one the next layer receives (hooks return it unchanged).
    private static string Key(Tensor tensor) => $"{tensor.Handle}:{string.Join("x", tensor.shape)}";

    /// <summary>Forgets the recorded tensors.</summary>
    public void Dispose() => producers.Clear();
}
