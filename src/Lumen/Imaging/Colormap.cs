using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Turns values in [0, 1] into colours. Each colormap is sampled into a table of <see cref="TableSize"/> entries
/// at t = i / (TableSize - 1), so 0, 0.5 and 1 hit table entries exactly (bwr(0.5) is pure white).
/// Values outside [0, 1] are clamped; NaN maps to <see cref="NanColor"/> (magenta), which no colormap here uses,
/// so a NaN never hides as a plausible colour.
/// </summary>
public sealed class Colormap
{
    /// <summary>Number of entries in each colormap's lookup table.</summary>
    public const int TableSize = 1025;

    /// <summary>The colour given to NaN: magenta (255, 0, 255).</summary>
    public static readonly (byte R, byte G, byte B) NanColor = (255, 0, 255);

    private readonly byte[] _table; // TableSize RGB entries followed by the NaN colour

    private Colormap(string name, Func<double, (double R, double G, double B)> colorAt)
    {
        Name = name;
        _table = new byte[(TableSize + 1) * 3];
        for (var i = 0; i < TableSize; i++)
        {
            var (r, g, b) = colorAt(i / (double)(TableSize - 1));
            _table[3 * i] = ToByte(r);
            _table[3 * i + 1] = ToByte(g);
            _table[3 * i + 2] = ToByte(b);
        }

        _table[3 * TableSize] = NanColor.R;
        _table[3 * TableSize + 1] = NanColor.G;
        _table[3 * TableSize + 2] = NanColor.B;
    }

    /// <summary>matplotlib's jet: dark blue (0, 0, 128) at 0 through cyan, yellow to dark red (128, 0, 0) at 1.</summary>
    public static Colormap Jet { get; } = new("jet", t => (
        ColormapData.Segment(ColormapData.JetRed, t),
        ColormapData.Segment(ColormapData.JetGreen, t),
        ColormapData.Segment(ColormapData.JetBlue, t)));

    /// <summary>matplotlib's viridis: perceptually uniform, dark purple to yellow.</summary>
    public static Colormap Viridis { get; } = new("viridis", t => ColormapData.Listed(ColormapData.Viridis, t));

    /// <summary>matplotlib's inferno: perceptually uniform, black through red to pale yellow.</summary>
    public static Colormap Inferno { get; } = new("inferno", t => ColormapData.Listed(ColormapData.Inferno, t));

    /// <summary>Black at 0 to white at 1.</summary>
    public static Colormap Gray { get; } = new("gray", t => (t, t, t));

    /// <summary>
    /// matplotlib's bwr, for signed maps: blue (0, 0, 255) at 0, white at 0.5, red (255, 0, 0) at 1. Pair it with
    /// <see cref="MapNormalization.SymmetricAbsMax"/> so that zero attribution is white.
    /// </summary>
    public static Colormap BlueWhiteRed { get; } = new("bwr", t => t <= 0.5
        ? (2 * t, 2 * t, 1.0)
        : (1.0, 2 - 2 * t, 2 - 2 * t));

    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jet", "viridis", "inferno", "gray", "bwr"];

    /// <summary>The colormap's name as <see cref="Parse"/> accepts it.</summary>
    public string Name { get; }

    /// <summary>Finds a colormap by name (jet, viridis, inferno, gray or grey, bwr; case-insensitive).</summary>
    /// <exception cref="LumenException">The name is unknown (kind Usage); the message lists the names.</exception>
    public static Colormap Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "jet" => Jet,
            "viridis" => Viridis,
            "inferno" => Inferno,
            "gray" or "grey" => Gray,
            "bwr" or "bluewhitered" => BlueWhiteRed,
            _ => throw LumenException.Usage($"Unknown colormap '{name}'; use one of: {string.Join(", ", Names)}."),
        };
    }

    /// <summary>The colour of <paramref name="t"/> (clamped to [0, 1]; NaN gives <see cref="NanColor"/>).</summary>
    public (byte R, byte G, byte B) Map(float t)
    {
        var i = IndexOf(t);
        return (_table[3 * i], _table[3 * i + 1], _table[3 * i + 2]);
    }

    /// <summary>
    /// Colours every element of <paramref name="values"/> (any shape, values in [0, 1]) and returns a new uint8
    /// tensor with a trailing dimension of 3 (R, G, B). The input is not modified.
    /// </summary>
    public Tensor Apply(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = torch.NewDisposeScope();
        var table = torch.tensor(_table, [TableSize + 1, 3], ScalarType.Byte);
        return Lookup(values, table).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Colours every element of <paramref name="values"/> like <see cref="Apply"/>, as float32 channels
    /// <c>(byte / 255) · scale</c> with a trailing dimension of 3: the heat term of an overlay, ready to be added.
    /// </summary>
    internal Tensor ApplyScaled(Tensor values, float scale)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = torch.NewDisposeScope();
        var table = torch.tensor(_table, [TableSize + 1, 3], ScalarType.Byte).to_type(ScalarType.Float32).div(255f).mul(scale);
        return Lookup(values, table).MoveToOuterDisposeScope();
    }

    private static Tensor Lookup(Tensor values, Tensor table)
    {
        using var noGrad = torch.no_grad();
        var floats = values.to_type(ScalarType.Float32).cpu();
        var nan = floats.isnan();
        var index = floats.nan_to_num(0).clamp(0, 1).mul(TableSize - 1).round().to_type(ScalarType.Int64)
            .masked_fill(nan, TableSize);
        return table.index_select(0, index.flatten()).reshape([.. values.shape, 3]);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static int IndexOf(float t)
    {
        if (float.IsNaN(t))
        {
            return TableSize;
        }

        return (int)Math.Round(Math.Clamp(t, 0f, 1f) * (TableSize - 1), MidpointRounding.ToEven);
    }

    private static byte ToByte(double v) => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255, MidpointRounding.AwayFromZero);
}
