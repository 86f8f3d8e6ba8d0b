using System.CommandLine;
using Lumen.Models;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>The options that choose units (classes, channels, neurons, a layer), shared by top-k and visualize.</summary>
public sealed class UnitOptions
{
    /// <summary>--class LIST.</summary>
    public Option<string?> Class { get; } = new("--class", "-c")
    {
        Description = "class units: an index, a list (0,4,7), a range (0-3) or 'all'",
    };

    /// <summary>--layer NAME.</summary>
    public Option<string?> Layer { get; } = new("--layer", "-l")
    {
        Description = "the layer of channel, neuron or layer units (see 'lumen layers'); alone, its mean squared activation",
    };

    /// <summary>--channel LIST.</summary>
    public Option<string?> Channel { get; } = new("--channel")
    {
        Description = "channels of --layer: an index, a list, a range (0-15) or 'all'",
    };

    /// <summary>--neuron centre|ROW,COLUMN.</summary>
    public Option<string?> Neuron { get; } = new("--neuron")
    {
        Description = "one position of each --channel instead of the whole channel: 'centre' or ROW,COLUMN",
    };

    /// <summary>--measure NAME.</summary>
    public Option<string?> Measure { get; } = new("--measure")
    {
        Description = "for --class: logit (default) or probability; for --channel: mean (default) or max over space",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Class);
        command.Add(Layer);
        command.Add(Channel);
        command.Add(Neuron);
        command.Add(Measure);
    }

    /// <summary>The units the options name, checked against <paramref name="model"/>.</summary>
    public IReadOnlyList<Unit> Parse(ParseResult parsed, ExplainableModel model) =>
        UnitSelection.Parse(model, parsed.GetValue(Class), parsed.GetValue(Layer), parsed.GetValue(Channel), parsed.GetValue(Neuron), parsed.GetValue(Measure));
}
