using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Zennit's composites (zennit 0.5.1 <c>composites.py</c>), with the same rules on the same layers. "First" means
/// first in depth-first order; dense layers are <see cref="Linear"/>, convolutions <see cref="Conv2d"/>. Every preset
/// also gives the other affine layers (a BatchNorm that cannot be merged, LayerNorm, element-wise constants of an
/// imported graph) the Epsilon rule with its ε, as AttnLRP does for LayerNorm.
/// </summary>
public static class Composites
{
    /// <summary>The command-line names of the presets.</summary>
    public static IReadOnlyList<string> Names { get; } = new[]
    {
        "epsilon", "epsilon-plus", "epsilon-plus-flat", "epsilon-gamma-box", "epsilon-alpha2-beta1", "epsilon-alpha2-beta1-flat",
    };

    /// <summary>Epsilon on every convolution and dense layer (LRP-ε everywhere).</summary>
    public static Composite Epsilon(double epsilon = Stabilizer.DefaultEpsilon) => new CompositeBuilder()
        .Add(LayerSelector.OfType(typeof(Conv2d), typeof(Linear)), new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon");

    /// <summary>Convolutions ZPlus, dense layers Epsilon.</summary>
    public static Composite EpsilonPlus(double epsilon = Stabilizer.DefaultEpsilon) => new CompositeBuilder()
        .Type<Conv2d>(new ZPlus()).Type<Linear>(new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon-plus");

    /// <summary>The first convolution or dense layer Flat, other convolutions ZPlus, dense layers Epsilon.</summary>
    public static Composite EpsilonPlusFlat(double epsilon = Stabilizer.DefaultEpsilon) => new CompositeBuilder()
        .Add(LinearFirst, new Flat()).Type<Conv2d>(new ZPlus()).Type<Linear>(new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon-plus-flat");

    /// <summary>The first convolution ZBox(low, high), other convolutions Gamma, dense layers Epsilon.</summary>
    public static Composite EpsilonGammaBox(Tensor low, Tensor high, double epsilon = Stabilizer.DefaultEpsilon, double gamma = 0.25) => new CompositeBuilder()
        .First<Conv2d>(new ZBox(low, high)).Type<Conv2d>(new Gamma(gamma)).Type<Linear>(new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon-gamma-box");

    /// <summary>Convolutions AlphaBeta(2, 1), dense layers Epsilon.</summary>
    public static Composite EpsilonAlpha2Beta1(double epsilon = Stabilizer.DefaultEpsilon) => new CompositeBuilder()
        .Type<Conv2d>(AlphaBeta.Alpha2Beta1).Type<Linear>(new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon-alpha2-beta1");

    /// <summary>The first convolution or dense layer Flat, other convolutions AlphaBeta(2, 1), dense layers Epsilon.</summary>
    public static Composite EpsilonAlpha2Beta1Flat(double epsilon = Stabilizer.DefaultEpsilon) => new CompositeBuilder()
        .Add(LinearFirst, new Flat()).Type<Conv2d>(AlphaBeta.Alpha2Beta1).Type<Linear>(new Epsilon(epsilon)).Add(OtherAffine, new Epsilon(epsilon)).Build("epsilon-alpha2-beta1-flat");

    /// <summary>
    /// The preset called <paramref name="name"/> (one of <see cref="Names"/>); <paramref name="low"/> and
    /// <paramref name="high"/> are only used by epsilon-gamma-box, <paramref name="gamma"/> only by it too.
    /// </summary>
    public static Composite ByName(string name, double epsilon, double gamma, Tensor low, Tensor high) => name switch
    {
        "epsilon" => Epsilon(epsilon),
        "epsilon-plus" => EpsilonPlus(epsilon),
        "epsilon-plus-flat" => EpsilonPlusFlat(epsilon),
        "epsilon-gamma-box" => EpsilonGammaBox(low, high, epsilon, gamma),
        "epsilon-alpha2-beta1" => EpsilonAlpha2Beta1(epsilon),
        "epsilon-alpha2-beta1-flat" => EpsilonAlpha2Beta1Flat(epsilon),
        _ => throw LumenException.Usage($"unknown LRP composite '{name}'; use one of {string.Join(", ", Names)}"),
    };

    /// <summary>Affine layers other than convolutions and dense layers (a merged BatchNorm passes relevance whatever its rule).</summary>
    private static LayerSelector OtherAffine => LayerSelector.OfType(typeof(BatchNorm), typeof(LayerNorm), typeof(Onnx.Graph.ConstantAffineLayer));

    private static LayerSelector LinearFirst => LayerSelector.FirstOfType(typeof(Conv2d), typeof(Linear));
}
