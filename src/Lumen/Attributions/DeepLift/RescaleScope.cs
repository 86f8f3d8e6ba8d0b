using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// While alive, every non-linear layer of a model computes the same forward values but back-propagates with DeepLift's
/// rescale rule (<see cref="RescaleFunction"/>): a forward hook replaces each layer's output by the function applied to
/// the layer's input. The model must be run on batches [inputs; references] of even size. Dispose removes the hooks
/// (also after an exception).
/// </summary>
internal sealed class RescaleScope : IDisposable
{
    private readonly List<Action> removers = new();
    private readonly Dictionary<string, int> fired = new(StringComparer.Ordinal);
    private readonly string modelName;
    private readonly string methodName;

    /// <summary>Hooks every non-linear layer of <paramref name="model"/>; refuses layers DeepLift has no rule for.</summary>
    public RescaleScope(ExplainableModel model, string methodName, double eps)
    {
        modelName = model.Name;
        this.methodName = methodName;
        var layers = DeepLiftLayers.NonLinear(model, methodName);
        try
        {
            foreach (var (name, module, kind) in layers) Attach(name, module, kind, eps);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The batch size every non-linear layer must see in the current pass (inputs and references together), or null
    /// for no check. A model that splits batches (an ONNX graph of fixed batch size) would pair the wrong rows.
    /// </summary>
    public long? ExpectedBatch { get; set; }

    /// <summary>How many non-linear layers the rule applies to.</summary>
    public int LayerCount => fired.Count;

    /// <summary>
    /// Throws a model error if a hooked layer did not run in the forward passes so far: the model then computes it some
    /// other way (through <c>forward()</c>), which would be explained by its plain gradient.
    /// </summary>
    public void EnsureAllReached()
    {
        var missed = fired.Where(entry => entry.Value == 0).Select(entry => entry.Key).ToList();
        if (missed.Count > 0)
            throw LumenException.Model($"{methodName} cannot reach every non-linear layer of {modelName}: layer(s) {string.Join(", ", missed.Take(3))} did not run through call(); invoke every layer with call() so its backward rule can be changed");
    }

    /// <summary>Removes the hooks.</summary>
    public void Dispose()
    {
        foreach (Action remove in removers) remove();
        removers.Clear();
    }

    private void Attach(string name, nn.Module<Tensor, Tensor> module, RescaleKind kind, double eps)
    {
        fired[name] = 0;
        var handle = module.register_forward_hook((_, input, output) =>
        {
            fired[name]++;
            if (ExpectedBatch is long expected && input.shape[0] != expected)
                throw LumenException.Model($"{methodName} runs inputs and references through {modelName} as one batch of {expected}, but layer '{name}' saw {input.shape[0]} rows (the model splits batches); export the model with a dynamic batch axis");
            if (SharesStorage(input, output))
                throw LumenException.Model($"{methodName} needs the input of layer '{name}' of {modelName}, which overwrites it in place; build the layer with inplace: false");
            // The hook's result replaces the layer's output: the same values, with the rescale rule as backward pass.
            return RescaleFunction.apply(input, module, kind, eps);
        });
        removers.Add(handle.remove);
    }

    /// <summary>Whether the layer wrote its output into its input's memory (an in-place activation).</summary>
    private static bool SharesStorage(Tensor input, Tensor output) =>
        input.dtype == ScalarType.Float32 && output.dtype == ScalarType.Float32 &&
        input.storage<float>().data_ptr() == output.storage<float>().data_ptr();
}
