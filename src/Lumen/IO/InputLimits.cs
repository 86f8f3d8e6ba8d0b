using System.Globalization;
using Lumen.Runtime;

namespace Lumen.IO;

/// <summary>
/// How much memory one input file may take once loaded: an image decoded to pixels (and the float copies made of
/// them), or the data of a NumPy array. Files are checked against it from their declared sizes, before anything is
/// allocated, so a small hostile file cannot make Lumen allocate gigabytes.
/// </summary>
/// <remarks>
/// The limit is <see cref="DefaultMaxInputBytes"/> unless the environment variable named by
/// <see cref="Variable"/> holds a positive whole number of MiB (<c>LUMEN_MAX_INPUT_MB=4096</c> allows 4 GiB per file).
/// Code can also pass its own limit (for images <see cref="Imaging.ImagePreprocessing.MaxDecodeBytes"/>).
/// </remarks>
public static class InputLimits
{
    /// <summary>The default limit per input file: 512 MiB, which keeps a hostile file's whole run under 1 GB.</summary>
    public const long DefaultMaxInputBytes = 512L << 20;

    /// <summary>The environment variable that sets the limit in MiB.</summary>
    public const string Variable = "LUMEN_MAX_INPUT_MB";

    /// <summary>The limit in effect: the environment variable's value when set, else <see cref="DefaultMaxInputBytes"/>.</summary>
    /// <exception cref="LumenException">The environment variable is set but is not a positive whole number (kind Usage).</exception>
    public static long MaxInputBytes => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>How to raise the limit, for the end of a message.</summary>
    public static string HowToRaise => $"raise the limit with the environment variable {Variable} (in MiB)";

    /// <summary>The limit for a value of the environment variable (null or empty: the default).</summary>
    internal static long Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DefaultMaxInputBytes;
        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long megabytes) && megabytes is > 0 and <= long.MaxValue >> 20)
            return megabytes << 20;
        throw LumenException.Usage($"{Variable}='{MessageText.Clip(value)}' is not a positive whole number of MiB; set it to e.g. 2048, or unset it for the default of {ByteCount.Describe(DefaultMaxInputBytes)}");
    }
}
