using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Maps every layer of a model to an LRP rule: an ordered list of (selector, rule) pairs where the first match wins,
/// followed by the base map for layers no pair chooses (Zennit's, extended as AttnLRP does): element-wise activations
/// (ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, Hardsigmoid, Hardswish, SiLU, GELU — the gated ones x·g(x) with the gate
/// held constant), gates, Dropout, Flatten and merged BatchNorm pass relevance through (<see cref="Pass"/>); average
/// pooling and residual additions use <see cref="Norm"/>; the other affine layers — a BatchNorm that could not be
/// merged, LayerNorm with its standard deviation held constant, and element-wise constants of an imported graph —
/// use <see cref="Epsilon"/>; max pooling and layers that only move values (concatenation, transposition, slicing,
/// padding) route relevance as their gradient does.
/// Presets are in <see cref="Composites"/>; build your own with <see cref="CompositeBuilder"/>.
/// </summary>
public sealed class Composite
{
    private static readonly Pass PassRule = new();
    private static readonly Norm NormRule = new();
    private static readonly Epsilon AffineRule = new();

    /// <summary>Creates a composite from ordered (selector, rule) pairs.</summary>
    public Composite(string name, IEnumerable<(LayerSelector Selector, ILrpRule Rule)> rules)
    {
        Name = name;
        Rules = rules.ToList();
    }

    /// <summary>The composite's name, e.g. <c>epsilon-plus-flat</c>.</summary>
    public string Name { get; }

    /// <summary>The (selector, rule) pairs in priority order.</summary>
    public IReadOnlyList<(LayerSelector Selector, ILrpRule Rule)> Rules { get; }

    /// <summary>
    /// The rule for leaf layer <paramref name="name"/>, or null for max pooling and layers that only move values
    /// (gradient routing) and for layers that neither a pair nor the base map covers.
    /// </summary>
    /// <param name="name">The layer's name.</param>
    /// <param name="module">The layer.</param>
    /// <param name="layers">All leaf layers of the model in depth-first order (for "first of type" selectors).</param>
    public ILrpRule? RuleFor(string name, torch.nn.Module module, IReadOnlyList<(string Name, torch.nn.Module Module)> layers)
    {
        foreach (var (selector, rule) in Rules)
        {
            if (selector.Matches(name, module, layers)) return rule;
        }
        return module switch
        {
            ReLU or ReLU6 or LeakyReLU or Sigmoid or Tanh or Hardsigmoid or Hardswish or SiLU or GELU or Dropout or Flatten
                or Onnx.Graph.GateLayer => PassRule,
            AvgPool2d or AdaptiveAvgPool2d or Addition => NormRule,
            BatchNorm or LayerNorm or Onnx.Graph.ConstantAffineLayer => AffineRule,
            _ => null,
        };
    }

    /// <summary>The rules by layer, as text, for reports (e.g. <c>conv1: flat</c>).</summary>
    public string Describe() => string.Join("; ", Rules.Select(pair => $"{pair.Selector.Description}: {pair.Rule.Description}"));
}
