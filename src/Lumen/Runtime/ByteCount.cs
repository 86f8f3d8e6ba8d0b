using System.Globalization;

namespace Lumen.Runtime;

/// <summary>Byte counts as messages show them: "9.5 GiB", "598 MiB", "6272 bytes".</summary>
public static class ByteCount
{
    /// <summary>
    /// <paramref name="bytes"/> in GiB with one optional decimal, in whole MiB, or in bytes below a MiB (a double, so
    /// that planned sizes beyond <see cref="long.MaxValue"/> can be shown too).
    /// </summary>
    public static string Describe(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
    };
}
