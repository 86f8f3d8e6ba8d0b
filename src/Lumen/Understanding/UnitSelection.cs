using System.Globalization;
using Lumen.Models;

namespace Lumen.Understanding;

/// <summary>
/// Turns the command line's unit options into checked <see cref="Unit"/>s: <c>--class 3</c>, <c>--class 0,4,7</c>,
/// <c>--class all</c>; <c>--layer conv2 --channel 5</c>, <c>--channel 0-7,12</c>, <c>--channel all</c>;
/// <c>--neuron centre</c> or <c>--neuron ROW,COLUMN</c> with a channel; <c>--layer conv2</c> alone for the layer's
/// mean squared activation. Every index is checked against the model, so a mistake is a usage error that names
/// the valid range.
/// </summary>
public static class UnitSelection
{
    /// <summary>The measures a class unit accepts.</summary>
    public static IReadOnlyList<string> ClassMeasures { get; } = new[] { "logit", "probability" };

    /// <summary>The measures a channel unit accepts.</summary>
    public static IReadOnlyList<string> ChannelMeasures { get; } = new[] { "mean", "max" };

    /// <summary>Builds the units that the options name.</summary>
    /// <param name="model">The model the units belong to.</param>
    /// <param name="classes">Class indices: a list, ranges <c>a-b</c>, or <c>all</c>; null when a layer is chosen.</param>
    /// <param name="layer">A layer name (see <see cref="ExplainableModel.LayerNames"/>); null when classes are chosen.</param>
    /// <param name="channels">Channels of <paramref name="layer"/>: a list, ranges, or <c>all</c>; null for the layer norm.</param>
    /// <param name="neuron"><c>centre</c> or <c>ROW,COLUMN</c> to measure one position instead of the whole channel; null for none.</param>
    /// <param name="measure">For classes <c>logit</c> (default) or <c>probability</c>; for channels <c>mean</c> (default) or <c>max</c>.</param>
    /// <exception cref="LumenException">The options contradict each other or an index is out of range (kind Usage).</exception>
    public static IReadOnlyList<Unit> Parse(ExplainableModel model, string? classes, string? layer, string? channels, string? neuron = null, string? measure = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (classes is not null && layer is not null)
            throw LumenException.Usage("give either --class or --layer, not both");
        if (classes is not null)
        {
            if (channels is not null || neuron is not null)
                throw LumenException.Usage("--channel and --neuron need --layer; with --class the unit is a class score");
            string kind = Measure(measure, ClassMeasures, "logit", "--class");
            int count = model.ClassCount;
            return Indices(classes, count, "class", $"the model has {count} classes (0 to {count - 1})")
                .Select(c => kind == "logit" ? Unit.ClassLogit(c) : Unit.ClassProbability(c)).ToList();
        }
        if (layer is null)
            throw LumenException.Usage("choose what to look at: --class C, or --layer L with --channel K (see 'lumen layers')");
        model.ResolveLayer(layer);
        IReadOnlyList<long> shape = OutputShape(model, layer);
        if (channels is null)
        {
            if (neuron is not null) throw LumenException.Usage("--neuron needs --channel");
            if (measure is not null) throw LumenException.Usage("--measure applies to --class and --channel; --layer alone measures the layer's mean squared activation");
            return new[] { Unit.LayerNorm(layer) };
        }
        int channelCount = (int)shape[0];
        var selected = Indices(channels, channelCount, "channel", $"layer {layer} has {channelCount} channels (0 to {channelCount - 1})");
        if (neuron is not null)
        {
            if (measure is not null) throw LumenException.Usage("--measure does not apply to --neuron, which measures one activation");
            var (row, column) = Position(neuron, shape, layer);
            return selected.Select(c => Unit.Neuron(layer, c, row, column)).ToList();
        }
        string reduce = Measure(measure, ChannelMeasures, "mean", "--channel");
        return selected.Select(c => reduce == "mean" ? Unit.ChannelMean(layer, c) : Unit.ChannelMax(layer, c)).ToList();
    }

    /// <summary>The output shape of <paramref name="layer"/> for one image (without the batch dimension).</summary>
    public static IReadOnlyList<long> OutputShape(ExplainableModel model, string layer)
    {
        var info = model.DescribeLayers().First(l => l.Name == layer);
        if (info.OutputShape is null)
            throw LumenException.Model($"layer '{layer}' did not run in the forward pass (it is called through forward() or not at all), so it cannot be measured; choose another layer");
        if (info.OutputShape.Count != 1 && info.OutputShape.Count != 3)
            throw LumenException.Usage($"layer '{layer}' has output shape {info.ShapeText}; units need a map [C, H, W] or features [C]");
        return info.OutputShape;
    }

    private static string Measure(string? measure, IReadOnlyList<string> allowed, string fallback, string option)
    {
        if (measure is null) return fallback;
        string value = measure.Trim().ToLowerInvariant();
        if (!allowed.Contains(value))
            throw LumenException.Usage($"--measure {measure} does not apply to {option}: use {string.Join(" or ", allowed)}");
        return value;
    }

    /// <summary>Parses <c>all</c> or a comma-separated list of indices and ranges <c>a-b</c>, each in [0, count).</summary>
    internal static List<int> Indices(string text, int count, string what, string range)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase)) return Enumerable.Range(0, count).ToList();
        var result = new List<int>();
        foreach (string part in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', 1 < part.Length ? 1 : 0);
            if (dash > 0)
            {
                int from = Number(part[..dash], text, what), to = Number(part[(dash + 1)..], text, what);
                if (to < from) throw LumenException.Usage($"{what} range '{part}' is empty: write low-high");
                for (int i = from; i <= to; i++) result.Add(Check(i, count, what, range));
            }
            else result.Add(Check(Number(part, text, what), count, what, range));
        }
        return result.Distinct().ToList();
    }

    private static int Number(string part, string text, string what)
    {
        if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw LumenException.Usage($"{what} '{text}' is not a list of indices: write e.g. 3, 0,4,7, 0-15 or all");
        return value;
    }

    private static int Check(int index, int count, string what, string range)
    {
        if (index < 0 || index >= count) throw LumenException.Usage($"{what} {index} is out of range: {range}");
        return index;
    }

    private static (int? Row, int? Column) Position(string neuron, IReadOnlyList<long> shape, string layer)
    {
        string text = neuron.Trim();
        if (text.Equals("centre", StringComparison.OrdinalIgnoreCase) || text.Equals("center", StringComparison.OrdinalIgnoreCase))
            return (null, null);
        if (shape.Count != 3) throw LumenException.Usage($"layer '{layer}' has no spatial map; use --neuron centre (the feature itself)");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int row)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int column))
            throw LumenException.Usage($"--neuron {neuron}: write 'centre' or ROW,COLUMN");
        if (row < 0 || row >= shape[1] || column < 0 || column >= shape[2])
            throw LumenException.Usage($"--neuron {neuron} is outside layer {layer}'s {shape[1]}x{shape[2]} map (rows 0 to {shape[1] - 1}, columns 0 to {shape[2] - 1})");
        return (row, column);
    }
}
