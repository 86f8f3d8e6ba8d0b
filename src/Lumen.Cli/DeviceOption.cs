using System.CommandLine;
using Lumen.Runtime;

namespace Lumen.Cli;

/// <summary>
/// The global <c>--device cpu|cuda|cuda:N</c> option: where every command that runs a model puts the model and its
/// inputs; default the CPU. The rules (accepted values, availability) are <see cref="ComputeDevice"/>'s; the command
/// line checks them before the command starts, so a device that does not exist here stops it before any output.
/// </summary>
public sealed class DeviceOption
{
    /// <summary>The option, recursive so that it is accepted after any command.</summary>
    public Option<string?> Option { get; } = new("--device")
    {
        Description = $"where the model and its tensors live: {ComputeDevice.AcceptedValues} (default: cpu; ONNX Runtime models run on the CPU)",
        Recursive = true,
    };

    /// <summary>The device given (the CPU when none is), checked to exist here; otherwise a one-line usage error.</summary>
    public ComputeDevice Resolve(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        string? text = parsed.GetValue(Option);
        if (text is null) return ComputeDevice.Cpu;
        if (!ComputeDevice.TryParse(text, out var device))
            throw LumenException.Usage($"--device {text}: unknown device; use {ComputeDevice.AcceptedValues}");
        if (device.Unavailable() is string reason)
            throw LumenException.Usage($"--device {text}: {reason}; use --device cpu");
        return device;
    }
}
