using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// The command-line settings of <c>lrp</c> (<c>--param composite=..., epsilon=..., gamma=..., low=..., high=...</c>)
/// and how they become an <see cref="Lrp"/>.
/// </summary>
public static class LrpSettings
{
    /// <summary>The composite used when none is given: epsilon-plus-flat, the usual choice for image classifiers.</summary>
    public const string DefaultComposite = "epsilon-plus-flat";

    /// <summary>Every setting with its default, for <c>lumen methods --verbose</c>.</summary>
    public static IReadOnlyList<MethodSetting> All { get; } = new[]
    {
        new MethodSetting("composite", DefaultComposite, "which rule each layer gets: " + string.Join(", ", Composites.Names)),
        new MethodSetting("epsilon", "1e-6", "the stabiliser of the Epsilon rule on dense layers (and on every layer for composite=epsilon)"),
        new MethodSetting("gamma", "0.25", "how much the Gamma rule favours positive contributions (epsilon-gamma-box)"),
        new MethodSetting("low", "pixel 0 after normalisation", "lowest input value, for ZBox on the first convolution (epsilon-gamma-box), in the model's input space"),
        new MethodSetting("high", "pixel max after normalisation", "highest input value, for ZBox on the first convolution (epsilon-gamma-box), in the model's input space"),
    };

    /// <summary>Builds LRP for <paramref name="model"/> from command-line options.</summary>
    public static Lrp Create(ExplainableModel model, MethodOptions options)
    {
        string composite = options.GetChoice("composite", DefaultComposite, Composites.Names.ToArray());
        double epsilon = options.GetDouble("epsilon", Stabilizer.DefaultEpsilon);
        double gamma = options.GetDouble("gamma", 0.25);
        var (low, high) = DefaultBounds(model);
        using Tensor lowBound = options.Parameters.ContainsKey("low") ? torch.tensor((float)options.GetDouble("low", 0)) : low;
        using Tensor highBound = options.Parameters.ContainsKey("high") ? torch.tensor((float)options.GetDouble("high", 1)) : high;
        return new Lrp(model, Composites.ByName(composite, epsilon, gamma, lowBound, highBound));
    }

    /// <summary>
    /// The box of valid inputs in the model's input space: pixel values 0 and 255·scale (1 for the usual 1/255)
    /// mapped through the model's normalisation, per channel [C, 1, 1].
    /// </summary>
    public static (Tensor Low, Tensor High) DefaultBounds(ExplainableModel model)
    {
        var preprocessing = model.Preprocessing;
        int channels = (int)model.InputShape[0];
        float top = 255f * preprocessing.Scale;
        float[] mean = preprocessing.Mean ?? new float[channels];
        float[] std = preprocessing.Std ?? Enumerable.Repeat(1f, channels).ToArray();
        float[] low = Enumerable.Range(0, channels).Select(c => (0f - mean[c % mean.Length]) / std[c % std.Length]).ToArray();
        float[] high = Enumerable.Range(0, channels).Select(c => (top - mean[c % mean.Length]) / std[c % std.Length]).ToArray();
        return (torch.tensor(low).reshape(channels, 1, 1), torch.tensor(high).reshape(channels, 1, 1));
    }
}
