using TorchSharp;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Chooses layers for a rule in a <see cref="Composite"/>: by name, by module type, or the first layer of some types
/// in the model's depth-first (PyTorch <c>named_modules</c>) order.
/// </summary>
public sealed class LayerSelector
{
    private readonly Func<string, torch.nn.Module, IReadOnlyList<(string Name, torch.nn.Module Module)>, bool> matches;

    private LayerSelector(string description, Func<string, torch.nn.Module, IReadOnlyList<(string Name, torch.nn.Module Module)>, bool> matches)
    {
        Description = description;
        this.matches = matches;
    }

    /// <summary>What the selector chooses, e.g. <c>first Conv2d</c>.</summary>
    public string Description { get; }

    /// <summary>The layer called <paramref name="name"/> (e.g. <c>features.0</c>).</summary>
    public static LayerSelector Named(string name) => new($"layer {name}", (layer, _, _) => layer == name);

    /// <summary>Every layer of one of <paramref name="types"/> (or a subclass).</summary>
    public static LayerSelector OfType(params Type[] types) =>
        new(string.Join(" or ", types.Select(t => t.Name)), (_, module, _) => IsAny(module, types));

    /// <summary>The first layer, in depth-first order, of one of <paramref name="types"/>.</summary>
    public static LayerSelector FirstOfType(params Type[] types) =>
        new("first " + string.Join(" or ", types.Select(t => t.Name)),
            (layer, _, layers) => layers.FirstOrDefault(entry => IsAny(entry.Module, types)).Name == layer);

    /// <summary>Whether the selector chooses layer <paramref name="name"/> of a model whose leaf layers are <paramref name="layers"/>.</summary>
    public bool Matches(string name, torch.nn.Module module, IReadOnlyList<(string Name, torch.nn.Module Module)> layers) =>
        matches(name, module, layers);

    private static bool IsAny(torch.nn.Module module, Type[] types) => types.Any(type => type.IsInstanceOfType(module));
}
