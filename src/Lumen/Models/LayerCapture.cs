using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// Records the outputs of named layers while it is alive. Created by <see cref="ExplainableModel.Capture"/>;
/// its hooks are removed and its tensors freed on <see cref="Dispose"/>, also when an exception left the
/// forward pass half-done. Gradients of a captured output come from
/// <c>torch.autograd.grad(score, capture[layer])</c>, since TorchSharp has no tensor hooks.
/// </summary>
public sealed class LayerCapture : IDisposable
{
    private readonly Dictionary<string, Tensor> outputs = new(StringComparer.Ordinal);
    private readonly List<Action> removers = new();
    private readonly List<string> completionOrder = new();
    private readonly IReadOnlyList<string> layerNames;
    private bool disposed;

    internal LayerCapture(IReadOnlyList<(string Name, nn.Module Module)> layers)
    {
        layerNames = layers.Select(layer => layer.Name).ToList();
        try
        {
            foreach (var (name, module) in layers) Attach(name, module);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The names of the captured layers.</summary>
    public IReadOnlyList<string> LayerNames => layerNames;

    /// <summary>
    /// The output of <paramref name="layer"/> in the last forward pass: a tensor owned by this capture,
    /// connected to the autograd graph of that pass.
    /// </summary>
    public Tensor this[string layer]
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (outputs.TryGetValue(layer, out Tensor? output)) return output;
            if (!layerNames.Contains(layer))
                throw LumenException.Usage($"layer '{layer}' is not captured here; captured: {string.Join(", ", layerNames)}");
            throw LumenException.Model($"layer '{layer}' did not run in the forward pass: the model calls it through forward() instead of call(), or not at all, so Lumen cannot observe it; choose another layer");
        }
    }

    /// <summary>
    /// The captured layers that produced an output, in the order their forward passes finished (a container after
    /// the layers inside it; a layer that ran twice at its last run).
    /// </summary>
    public IReadOnlyList<string> CompletionOrder => completionOrder;

    /// <summary>Whether <paramref name="layer"/> produced an output in the last forward pass.</summary>
    public bool Fired(string layer) => outputs.ContainsKey(layer);

    private void Attach(string name, nn.Module module)
    {
        switch (module)
        {
            case nn.Module<Tensor, Tensor> single:
            {
                var handle = single.register_forward_hook((_, _, output) =>
                {
                    Store(name, output);
                    return null!; // null keeps the module's own output
                });
                removers.Add(handle.remove);
                break;
            }
            case nn.Module<Tensor, Tensor, Tensor> pair:
            {
                var handle = pair.register_forward_hook((_, _, _, output) =>
                {
                    Store(name, output);
                    return null!; // null keeps the module's own output
                });
                removers.Add(handle.remove);
                break;
            }
            default:
                throw LumenException.Usage($"layer '{name}' ({module.GetType().Name}) does not produce a single tensor from one or two tensors, so it cannot be captured; choose a convolution, activation or pooling layer");
        }
    }

    private void Store(string name, Tensor output)
    {
        // Sequential frees its intermediates after the hook returns: keep an alias (same storage and graph
        // node) that this capture owns, outside any dispose scope.
        Tensor alias = output.alias().DetachFromDisposeScope();
        if (outputs.Remove(name, out Tensor? previous)) previous.Dispose();
        outputs[name] = alias;
        completionOrder.Remove(name);
        completionOrder.Add(name);
    }

    /// <summary>Removes the hooks and frees the captured tensors.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (Action remove in removers) remove();
        removers.Clear();
        foreach (Tensor output in outputs.Values) output.Dispose();
        outputs.Clear();
    }
}
