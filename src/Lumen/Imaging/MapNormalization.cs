using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Maps the raw values of one attribution map to [0, 1] for a colormap. It never modifies its input.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="MinMax"/>: (x - min) / (max - min); a constant map becomes all 0.</item>
/// <item><see cref="SymmetricAbsMax"/>: x / (2 m) + 0.5 with m = max |x|, so -m → 0, 0 → 0.5, m → 1; an all-zero map becomes all 0.5.</item>
/// <item><see cref="Percentile"/>: clip to the low and high percentiles (linear interpolation, as NumPy), then min-max; a constant map becomes all 0.</item>
/// </list>
/// <see cref="WithAbsoluteValue"/> takes |x| first (for maps whose sign does not matter).
/// Maps containing NaN or infinity are rejected with an error rather than drawn as a misleading picture.
/// </remarks>
public sealed class MapNormalization
{
    private enum Kind
    {
        MinMax,
        SymmetricAbsMax,
        Percentile,
    }

    private readonly Kind _kind;

    private MapNormalization(Kind kind, double low, double high, bool absolute)
    {
        _kind = kind;
        LowPercentile = low;
        HighPercentile = high;
        AbsoluteValue = absolute;
    }

    /// <summary>Linear min-max scaling to [0, 1].</summary>
    public static MapNormalization MinMax { get; } = new(Kind.MinMax, 0, 100, false);

    /// <summary>Symmetric scaling for signed maps: [-m, m] → [0, 1] with 0 → 0.5, where m = max |x|.</summary>
    public static MapNormalization SymmetricAbsMax { get; } = new(Kind.SymmetricAbsMax, 0, 100, false);

    /// <summary>Whether |x| is taken before normalizing.</summary>
    public bool AbsoluteValue { get; }

    /// <summary>The lower clipping percentile (0 to 100); 0 except for <see cref="Percentile"/>.</summary>
    public double LowPercentile { get; }

    /// <summary>The upper clipping percentile (0 to 100); 100 except for <see cref="Percentile"/>.</summary>
    public double HighPercentile { get; }

    /// <summary>
    /// Clips the map to its <paramref name="lowPercent"/> and <paramref name="highPercent"/> percentiles, then
    /// min-max scales, so a few extreme pixels do not wash out the rest.
    /// </summary>
    /// <param name="lowPercent">Lower percentile, 0 to 100.</param>
    /// <param name="highPercent">Upper percentile, 0 to 100, greater than <paramref name="lowPercent"/>.</param>
    /// <exception cref="LumenException">The percentiles are out of order or range (kind Usage).</exception>
    public static MapNormalization Percentile(double lowPercent = 1, double highPercent = 99)
    {
        if (!(lowPercent >= 0 && highPercent <= 100 && lowPercent < highPercent))
        {
            throw LumenException.Usage($"Percentile clipping needs 0 <= low < high <= 100, not low {lowPercent} and high {highPercent}.");
        }

        return new MapNormalization(Kind.Percentile, lowPercent, highPercent, false);
    }

    /// <summary>Finds a normalization by name: minmax, symmetric, percentile (1-99), abs-minmax, abs-percentile.</summary>
    /// <exception cref="LumenException">The name is unknown (kind Usage); the message lists the names.</exception>
    public static MapNormalization Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "minmax" => MinMax,
            "symmetric" or "symmetricabsmax" => SymmetricAbsMax,
            "percentile" => Percentile(),
            "abs-minmax" or "absminmax" => MinMax.WithAbsoluteValue(),
            "abs-percentile" or "abspercentile" => Percentile().WithAbsoluteValue(),
            _ => throw LumenException.Usage($"Unknown normalization '{name}'; use one of: minmax, symmetric, percentile, abs-minmax, abs-percentile."),
        };
    }

    /// <summary>The same normalization applied to |x| instead of x.</summary>
    public MapNormalization WithAbsoluteValue() => new(_kind, LowPercentile, HighPercentile, true);

    /// <summary>
    /// Returns a new float32 tensor of the same shape with values in [0, 1]. All elements of
    /// <paramref name="map"/> are treated as one map: normalize each image's map separately.
    /// </summary>
    /// <exception cref="LumenException">The map is empty or contains NaN or infinite values (kind InputData).</exception>
    public Tensor Normalize(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.numel() == 0)
        {
            throw LumenException.InputData("The attribution map is empty; there is nothing to draw.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = map.to_type(ScalarType.Float32).cpu();
        ThrowIfNotFinite(x);
        if (AbsoluteValue)
        {
            x = x.abs();
        }

        var result = _kind switch
        {
            Kind.MinMax => ScaleBetween(x, x.min().item<float>(), x.max().item<float>()),
            Kind.SymmetricAbsMax => Symmetric(x),
            _ => ScaleBetween(x, PercentileOf(x, LowPercentile), PercentileOf(x, HighPercentile)),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var name = _kind switch
        {
            Kind.MinMax => "minmax",
            Kind.SymmetricAbsMax => "symmetric",
            _ => string.Create(CultureInfo.InvariantCulture, $"percentile({LowPercentile}-{HighPercentile})"),
        };
        return AbsoluteValue ? "abs-" + name : name;
    }

    internal static void ThrowIfNotFinite(Tensor x)
    {
        if (x.isfinite().all().item<bool>())
        {
            return;
        }

        var nan = x.isnan().sum().item<long>();
        var inf = x.isinf().sum().item<long>();
        throw LumenException.InputData(
            $"The attribution map contains {nan} NaN and {inf} infinite value(s), so it cannot be drawn; the attribution overflowed or divided by zero — check the model output and the method's settings.");
    }

    private static Tensor ScaleBetween(Tensor x, float low, float high)
    {
        if (!(high > low))
        {
            return torch.zeros_like(x);
        }

        return x.clamp(low, high).sub(low).div(high - low).clamp(0, 1);
    }

    private static Tensor Symmetric(Tensor x)
    {
        var m = x.abs().max().item<float>();
        if (!(m > 0))
        {
            return torch.full_like(x, 0.5f);
        }

        return x.div(2 * m).add(0.5f).clamp(0, 1);
    }

    /// <summary>The <paramref name="percent"/>-th percentile with NumPy's default linear interpolation.</summary>
    private static float PercentileOf(Tensor x, double percent)
    {
        var sorted = x.flatten().sort().Values;
        var n = sorted.shape[0];
        var position = percent / 100.0 * (n - 1);
        var below = (long)Math.Floor(position);
        var above = Math.Min(below + 1, n - 1);
        var fraction = position - below;
        var a = sorted[below].item<float>();
        var b = sorted[above].item<float>();
        return (float)(a + (b - a) * fraction);
    }
}
