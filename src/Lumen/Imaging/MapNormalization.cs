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
    /// <paramref name="map"/> are treated as one map: normalize each image's map separately (<see cref="NormalizeEach"/>).
    /// </summary>
    /// <exception cref="LumenException">The map is empty or contains NaN or infinite values (kind InputData).</exception>
    public Tensor Normalize(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var scope = torch.NewDisposeScope();
        return NormalizeEach(map.reshape(1, -1)).reshape(map.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Normalizes each map of a batch [N, ...] on its own (its own minimum, maximum or percentiles); returns a new
    /// float32 tensor of the same shape with values in [0, 1].
    /// </summary>
    /// <exception cref="LumenException">The batch is empty or contains NaN or infinite values (kind InputData), or is not at least 1-D (kind Usage).</exception>
    public Tensor NormalizeEach(Tensor maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.numel() == 0)
        {
            throw LumenException.InputData("The attribution map is empty; there is nothing to draw.");
        }

        if (maps.dim() < 1)
        {
            throw LumenException.Usage("A batch of maps needs a leading batch dimension.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = maps.to_type(ScalarType.Float32).cpu().reshape(maps.shape[0], -1);
        ThrowIfNotFinite(x);
        if (AbsoluteValue)
        {
            x = x.abs();
        }

        var result = _kind switch
        {
            Kind.MinMax => ScaleBetween(x, x.amin([1], keepdim: true), x.amax([1], keepdim: true)),
            Kind.SymmetricAbsMax => Symmetric(x),
            _ => Percentiles(x),
        };
        return result.reshape(maps.shape).MoveToOuterDisposeScope();
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

    // Rows of x [N, P] scaled between their own low and high [N, 1]; a row with high ≤ low becomes 0.
    private static Tensor ScaleBetween(Tensor x, Tensor low, Tensor high)
    {
        var range = high - low;
        var positive = range > 0;
        var scaled = torch.minimum(torch.maximum(x, low), high).sub(low).div(torch.where(positive, range, torch.ones_like(range))).clamp(0, 1);
        return torch.where(positive, scaled, torch.zeros_like(scaled));
    }

    private static Tensor Symmetric(Tensor x)
    {
        var m = x.abs().amax([1], keepdim: true);
        var positive = m > 0;
        var scaled = x.div(torch.where(positive, m, torch.ones_like(m)).mul(2)).add(0.5f).clamp(0, 1);
        return torch.where(positive, scaled, torch.full_like(scaled, 0.5f));
    }

    private Tensor Percentiles(Tensor x)
    {
        var sorted = x.sort(1).Values;
        return ScaleBetween(x, PercentileOf(sorted, LowPercentile), PercentileOf(sorted, HighPercentile));
    }

    /// <summary>The <paramref name="percent"/>-th percentile of each sorted row [N, 1], NumPy's default linear interpolation (in float64, rounded to float32).</summary>
    private static Tensor PercentileOf(Tensor sorted, double percent)
    {
        var n = sorted.shape[1];
        var position = percent / 100.0 * (n - 1);
        var below = (long)Math.Floor(position);
        var above = Math.Min(below + 1, n - 1);
        var fraction = position - below;
        var a = sorted.narrow(1, below, 1).to_type(ScalarType.Float64);
        var b = sorted.narrow(1, above, 1).to_type(ScalarType.Float64);
        return a.add(b.sub(a).mul(fraction)).to_type(ScalarType.Float32);
    }
}
