using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// A model as LRP sees it after canonizers ran: the same module, with replacement parameters for some layers (a
/// convolution with its BatchNorm merged in) and the layers whose effect was absorbed into another one. The
/// replacements live here, never in the user's module, whose parameters stay untouched.
/// </summary>
public sealed class CanonizedModel : IDisposable
{
    private readonly Dictionary<nn.Module, LayerParameters> replaced = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, nn.Module> absorbed = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> owned = new();

    /// <summary>Canonizes <paramref name="model"/> with <paramref name="canonizers"/>, in order.</summary>
    public CanonizedModel(ExplainableModel model, IEnumerable<ICanonizer> canonizers)
    {
        Model = model;
        Layers = model.LayerNames
            .Select(name => (name, model.ResolveLayer(name)))
            .Where(entry => !entry.Item2.children().Any())
            .ToList();
        Canonizers = canonizers.Select(c => c.Name).ToList();
        foreach (var canonizer in canonizers) canonizer.Apply(this);
    }

    /// <summary>The model.</summary>
    public ExplainableModel Model { get; }

    /// <summary>The leaf layers (modules without children), depth-first in registration order.</summary>
    public IReadOnlyList<(string Name, nn.Module Module)> Layers { get; }

    /// <summary>The names of the canonizers applied.</summary>
    public IReadOnlyList<string> Canonizers { get; }

    /// <summary>The parameters LRP uses for <paramref name="layer"/>: a replacement, or the layer's own (detached).</summary>
    public LayerParameters ParametersOf(nn.Module layer)
    {
        if (replaced.TryGetValue(layer, out var parameters)) return parameters;
        return layer switch
        {
            TorchSharp.Modules.Conv2d conv => new LayerParameters(conv.weight!.detach(), conv.bias?.detach()),
            TorchSharp.Modules.Linear linear => new LayerParameters(linear.weight!.detach(), linear.bias?.detach()),
            TorchSharp.Modules.BatchNorm norm when !absorbed.ContainsKey(layer) => MergeBatchNorm.Affine(norm),
            TorchSharp.Modules.LayerNorm norm => new LayerParameters(norm.weight?.detach(), norm.bias?.detach()),
            Onnx.Graph.ConstantAffineLayer affine => AffineParameters(affine),
            _ => LayerParameters.None,
        };
    }

    private static LayerParameters AffineParameters(Onnx.Graph.ConstantAffineLayer layer)
    {
        var (scale, shift) = layer.Coefficients();
        return new LayerParameters(scale?.detach(), shift?.detach());
    }

    /// <summary>
    /// Records that <paramref name="layer"/> is computed with <paramref name="parameters"/> and that
    /// <paramref name="absorbedLayer"/>, which consumes its output directly, is now the identity. Takes ownership of the tensors.
    /// </summary>
    public void Merge(nn.Module layer, LayerParameters parameters, nn.Module absorbedLayer)
    {
        replaced[layer] = parameters;
        absorbed[absorbedLayer] = layer;
        foreach (var tensor in new[] { parameters.Weight, parameters.Bias })
        {
            if (tensor is not null) owned.Add(tensor.DetachFromDisposeScope());
        }
    }

    /// <summary>The layer that <paramref name="layer"/> was merged into, or null if it was not.</summary>
    public nn.Module? AbsorbedInto(nn.Module layer) => absorbed.GetValueOrDefault(layer);

    /// <summary>Whether <paramref name="layer"/> has replacement parameters.</summary>
    public bool IsReplaced(nn.Module layer) => replaced.ContainsKey(layer);

    /// <summary>
    /// The logits of the canonical model: the forward pass with replacement parameters and absorbed layers as the
    /// identity. Equal to the model's own logits up to rounding when the canonizers are exact.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        var removers = new List<Action>();
        try
        {
            foreach (var (_, module) in Layers)
            {
                if (module is not nn.Module<Tensor, Tensor> single) continue;
                if (replaced.TryGetValue(module, out var parameters))
                    removers.Add(single.register_forward_hook((m, x, _) => LayerFunctions.Apply(m, x, parameters.Weight, parameters.Bias)).remove);
                else if (absorbed.ContainsKey(module))
                    removers.Add(single.register_forward_hook((_, x, _) => x.alias()).remove);
            }
            return Model.Forward(input);
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
    }

    /// <summary>Frees the replacement parameters.</summary>
    public void Dispose()
    {
        foreach (var tensor in owned) tensor.Dispose();
        owned.Clear();
    }
}
