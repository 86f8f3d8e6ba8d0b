using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Runtime;

/// <summary>
/// Where a model and its tensors live: <c>cpu</c>, <c>cuda</c> (the first GPU) or <c>cuda:N</c>. Parsing and the
/// availability check are here so that the library and the command line follow the same rules; see
/// <see cref="Models.ExplainableModel.To"/> for moving a model.
/// </summary>
public sealed record ComputeDevice
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string AcceptedValues = "cpu, cuda or cuda:N";

    private ComputeDevice(DeviceType type, int? index)
    {
        Type = type;
        Index = index;
    }

    /// <summary>The CPU, where every tensor lives unless moved.</summary>
    public static ComputeDevice Cpu { get; } = new(DeviceType.CPU, null);

    /// <summary>The kind of device: <see cref="DeviceType.CPU"/> or <see cref="DeviceType.CUDA"/>.</summary>
    public DeviceType Type { get; }

    /// <summary>The GPU number of <c>cuda:N</c>; null for <c>cpu</c> and for plain <c>cuda</c> (which means GPU 0).</summary>
    public int? Index { get; }

    /// <summary>Whether this is the CPU.</summary>
    public bool IsCpu => Type == DeviceType.CPU;

    /// <summary>The TorchSharp device, for <c>tensor.to(...)</c> and the <c>device:</c> argument of tensor factories.</summary>
    public Device Torch => IsCpu ? torch.CPU : new Device(DeviceType.CUDA, Index ?? 0);

    /// <summary>Reads <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (any case, surrounding spaces ignored); false for anything else.</summary>
    public static bool TryParse(string? text, out ComputeDevice device)
    {
        device = Cpu;
        string value = (text ?? "").Trim().ToLowerInvariant();
        if (value == "cpu") return true;
        if (value == "cuda")
        {
            device = new ComputeDevice(DeviceType.CUDA, null);
            return true;
        }
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            device = new ComputeDevice(DeviceType.CUDA, index);
            return true;
        }
        return false;
    }

    /// <summary>Reads <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; anything else is a usage error naming the accepted values.</summary>
    public static ComputeDevice Parse(string? text) =>
        TryParse(text, out var device) ? device : throw LumenException.Usage($"unknown device '{text}': expected {AcceptedValues}");

    /// <summary>Parses <paramref name="text"/> and checks that the device exists here (<see cref="EnsureAvailable()"/>).</summary>
    public static ComputeDevice Resolve(string? text)
    {
        var device = Parse(text);
        device.EnsureAvailable();
        return device;
    }

    /// <summary>The number of CUDA devices libtorch sees: 0 with a CPU-only libtorch or without a visible GPU.</summary>
    public static int VisibleCudaDevices() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    /// <summary>Why this device cannot be used on this machine, or null when it can.</summary>
    public string? Unavailable() => IsCpu ? null : Unavailable(VisibleCudaDevices());

    /// <summary>Why this device cannot be used where <paramref name="visibleCudaDevices"/> CUDA devices are visible, or null when it can.</summary>
    public string? Unavailable(int visibleCudaDevices)
    {
        if (IsCpu) return null;
        if (visibleCudaDevices <= 0) return "CUDA is not available here (this build of libtorch is CPU-only or no GPU is visible)";
        int index = Index ?? 0;
        return index < visibleCudaDevices
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"there is no CUDA device {index}: {visibleCudaDevices} {(visibleCudaDevices == 1 ? "is" : "are")} visible (cuda:0 to cuda:{visibleCudaDevices - 1})");
    }

    /// <summary>Throws a usage error naming the reason when this device cannot be used here.</summary>
    public void EnsureAvailable()
    {
        if (Unavailable() is string reason) throw LumenException.Usage($"device {this}: {reason}; use cpu");
    }

    /// <summary>Whether <paramref name="tensor"/> lives on this device.</summary>
    public bool Holds(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.device_type == Type && (IsCpu || tensor.device_index == (Index ?? 0));
    }

    /// <summary>The device of <paramref name="module"/>'s first parameter or buffer; the CPU when it has none.</summary>
    public static ComputeDevice Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var first = module.parameters().Cast<Tensor>().Concat(module.buffers()).FirstOrDefault();
        return first is null ? Cpu : Of(first);
    }

    /// <summary>The device <paramref name="tensor"/> lives on.</summary>
    public static ComputeDevice Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.device_type switch
        {
            DeviceType.CPU => Cpu,
            DeviceType.CUDA => new ComputeDevice(DeviceType.CUDA, (int)tensor.device_index),
            var other => throw LumenException.Usage($"tensors on {other} are not supported; use {AcceptedValues}"),
        };
    }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public override string ToString() =>
        IsCpu ? "cpu" : Index is int index ? string.Create(CultureInfo.InvariantCulture, $"cuda:{index}") : "cuda";
}
