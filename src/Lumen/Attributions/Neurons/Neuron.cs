using System.Globalization;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>
/// One unit of a layer, as neuron attribution explains it: channel <see cref="Channel"/> at (<see cref="Row"/>,
/// <see cref="Column"/>) of a layer with output [N, C, h, w], or feature <see cref="Channel"/> of a layer with output
/// [N, D]. Written <c>LAYER:CHANNEL:ROW,COL</c> or <c>LAYER:FEATURE</c>.
/// </summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Channel">The channel (or feature).</param>
/// <param name="Row">The row, for map layers.</param>
/// <param name="Column">The column, for map layers.</param>
public sealed record Neuron(string Layer, int Channel, int? Row = null, int? Column = null)
{
    /// <summary>How the neuron is written: <c>conv3:5:3,3</c> or <c>fc:2</c>.</summary>
    public string Description => Row is null ? $"{Layer}:{Text(Channel)}" : $"{Layer}:{Text(Channel)}:{Text(Row.Value)},{Text(Column!.Value)}";

    /// <summary>Parses <c>LAYER:CHANNEL:ROW,COL</c> or <c>LAYER:FEATURE</c>; a malformed text is a usage error.</summary>
    public static Neuron Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        const string expected = "expected LAYER:CHANNEL:ROW,COL for a convolutional layer or LAYER:FEATURE for a linear one, e.g. conv3:5:3,3";
        if (parts.Length is not (2 or 3) || parts[0].Length == 0 || !TryIndex(parts[1], out int channel))
            throw LumenException.Usage($"--param neuron={text}: {expected}");
        if (parts.Length == 2) return new Neuron(parts[0], channel);
        string[] position = parts[2].Split(',');
        if (position.Length != 2 || !TryIndex(position[0], out int row) || !TryIndex(position[1], out int column))
            throw LumenException.Usage($"--param neuron={text}: {expected}");
        return new Neuron(parts[0], channel, row, column);
    }

    /// <summary>
    /// The neuron's value for every image, [N], from the layer's output; a usage error when the neuron lies outside it.
    /// </summary>
    public Tensor ValueIn(Tensor layerOutput)
    {
        ArgumentNullException.ThrowIfNull(layerOutput);
        string shape = $"[N, {string.Join(", ", layerOutput.shape.Skip(1))}]";
        if (layerOutput.dim() == 4)
        {
            if (Row is null)
                throw LumenException.Usage($"--param neuron={Description}: layer '{Layer}' outputs {shape}; give the position too, LAYER:CHANNEL:ROW,COL");
            if (Channel >= layerOutput.shape[1] || Row >= layerOutput.shape[2] || Column >= layerOutput.shape[3])
                throw LumenException.Usage($"--param neuron={Description}: outside layer '{Layer}', which outputs {shape} (channels 0-{layerOutput.shape[1] - 1}, rows 0-{layerOutput.shape[2] - 1}, columns 0-{layerOutput.shape[3] - 1})");
            return layerOutput[.., Channel, Row.Value, Column!.Value];
        }
        if (layerOutput.dim() == 2)
        {
            if (Row is not null)
                throw LumenException.Usage($"--param neuron={Description}: layer '{Layer}' outputs {shape}, which has no positions; give LAYER:FEATURE");
            if (Channel >= layerOutput.shape[1])
                throw LumenException.Usage($"--param neuron={Description}: outside layer '{Layer}', which outputs {shape} (features 0-{layerOutput.shape[1] - 1})");
            return layerOutput[.., Channel];
        }
        throw LumenException.Usage($"--param neuron={Description}: layer '{Layer}' outputs {shape}; neuron attribution needs a layer with output [N, C, h, w] or [N, D]");
    }

    private static bool TryIndex(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
