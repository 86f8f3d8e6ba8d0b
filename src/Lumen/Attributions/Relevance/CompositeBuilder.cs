using TorchSharp;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Builds a custom <see cref="Composite"/>: add (selector, rule) pairs in priority order (the first match wins), e.g.
/// <c>new CompositeBuilder().Layer("conv1", new Flat()).Type&lt;Conv2d&gt;(new ZPlus()).Type&lt;Linear&gt;(new Epsilon()).Build("mine")</c>.
/// </summary>
public sealed class CompositeBuilder
{
    private readonly List<(LayerSelector Selector, ILrpRule Rule)> rules = new();

    /// <summary>Adds a rule for the layers <paramref name="selector"/> chooses.</summary>
    public CompositeBuilder Add(LayerSelector selector, ILrpRule rule)
    {
        rules.Add((selector, rule));
        return this;
    }

    /// <summary>Adds a rule for the layer called <paramref name="name"/>.</summary>
    public CompositeBuilder Layer(string name, ILrpRule rule) => Add(LayerSelector.Named(name), rule);

    /// <summary>Adds a rule for every layer of type <typeparamref name="T"/>.</summary>
    public CompositeBuilder Type<T>(ILrpRule rule) where T : torch.nn.Module => Add(LayerSelector.OfType(typeof(T)), rule);

    /// <summary>Adds a rule for the first layer of type <typeparamref name="T"/> in depth-first order.</summary>
    public CompositeBuilder First<T>(ILrpRule rule) where T : torch.nn.Module => Add(LayerSelector.FirstOfType(typeof(T)), rule);

    /// <summary>The composite with the pairs added so far.</summary>
    public Composite Build(string name = "custom") => new(name, rules);
}
