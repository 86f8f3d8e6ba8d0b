using System.Globalization;

namespace Lumen.Understanding;

/// <summary>
/// One thing inside a model whose value can be measured on an image: a class logit or probability, a channel's
/// mean or maximum activation, a single neuron, or a whole layer's mean squared activation. Top-K ranks images
/// by it; activation maximization searches the input that makes it large.
/// </summary>
/// <param name="Kind">What is measured.</param>
/// <param name="Layer">The layer for channel, neuron and layer units; null for class units.</param>
/// <param name="Index">The class for class units, the channel (or feature) for channel and neuron units; unused (-1) for layer units.</param>
/// <param name="Row">The neuron's row in the layer's map, or null for the centre (lucent's convention).</param>
/// <param name="Column">The neuron's column, or null for the centre.</param>
public sealed record Unit(UnitKind Kind, string? Layer, int Index, int? Row = null, int? Column = null)
{
    /// <summary>The logit of class <paramref name="classIndex"/>.</summary>
    public static Unit ClassLogit(int classIndex) => new(UnitKind.ClassLogit, null, classIndex);

    /// <summary>The probability of class <paramref name="classIndex"/>.</summary>
    public static Unit ClassProbability(int classIndex) => new(UnitKind.ClassProbability, null, classIndex);

    /// <summary>The spatial mean of channel <paramref name="channel"/> of <paramref name="layer"/>.</summary>
    public static Unit ChannelMean(string layer, int channel) => new(UnitKind.ChannelMean, layer, channel);

    /// <summary>The spatial maximum of channel <paramref name="channel"/> of <paramref name="layer"/>.</summary>
    public static Unit ChannelMax(string layer, int channel) => new(UnitKind.ChannelMax, layer, channel);

    /// <summary>Channel <paramref name="channel"/> of <paramref name="layer"/> at one position (null: the centre).</summary>
    public static Unit Neuron(string layer, int channel, int? row = null, int? column = null) => new(UnitKind.Neuron, layer, channel, row, column);

    /// <summary>The mean squared activation of <paramref name="layer"/>.</summary>
    public static Unit LayerNorm(string layer) => new(UnitKind.LayerNorm, layer, -1);

    /// <summary>Whether the unit is read from the logits (no layer capture needed).</summary>
    public bool IsClass => Kind is UnitKind.ClassLogit or UnitKind.ClassProbability;

    /// <summary>
    /// A short name that is safe as a file name: <c>class-3</c>, <c>class-3-probability</c>, <c>conv2-ch5</c>,
    /// <c>conv2-ch5-max</c>, <c>conv2-ch5-neuron</c> (centre) or <c>conv2-ch5-y3-x4</c>, <c>conv2-norm</c>.
    /// </summary>
    public string Name => Kind switch
    {
        UnitKind.ClassLogit => $"class-{Text(Index)}",
        UnitKind.ClassProbability => $"class-{Text(Index)}-probability",
        UnitKind.ChannelMean => $"{Layer}-ch{Text(Index)}",
        UnitKind.ChannelMax => $"{Layer}-ch{Text(Index)}-max",
        UnitKind.Neuron when Row is null || Column is null => $"{Layer}-ch{Text(Index)}-neuron",
        UnitKind.Neuron => $"{Layer}-ch{Text(Index)}-y{Text(Row.Value)}-x{Text(Column.Value)}",
        UnitKind.LayerNorm => $"{Layer}-norm",
        _ => throw new InvalidOperationException($"unknown unit kind {Kind}"),
    };

    /// <summary>A phrase for captions and reports, e.g. <c>logit of class 3</c> or <c>mean of conv2 channel 5</c>.</summary>
    public string Description => Kind switch
    {
        UnitKind.ClassLogit => $"logit of class {Text(Index)}",
        UnitKind.ClassProbability => $"probability of class {Text(Index)}",
        UnitKind.ChannelMean => $"mean of {Layer} channel {Text(Index)}",
        UnitKind.ChannelMax => $"max of {Layer} channel {Text(Index)}",
        UnitKind.Neuron when Row is null || Column is null => $"{Layer} channel {Text(Index)} at the centre",
        UnitKind.Neuron => $"{Layer} channel {Text(Index)} at row {Text(Row.Value)}, column {Text(Column.Value)}",
        UnitKind.LayerNorm => $"mean squared activation of {Layer}",
        _ => throw new InvalidOperationException($"unknown unit kind {Kind}"),
    };

    /// <summary>
    /// <see cref="Description"/> with a class unit's name from <paramref name="classNames"/>, e.g.
    /// <c>logit of class 281 'tabby'</c>; other units, and names that are only the index, are left as they are.
    /// </summary>
    public string DescribeWith(IReadOnlyList<string>? classNames) =>
        IsClass && classNames is not null && Index >= 0 && Index < classNames.Count && classNames[Index] != Text(Index)
            ? $"{Description} '{classNames[Index]}'"
            : Description;

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
