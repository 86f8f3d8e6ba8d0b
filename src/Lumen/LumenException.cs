namespace Lumen;

/// <summary>What kind of problem stopped Lumen; the command line maps each kind to its exit code.</summary>
public enum ErrorKind
{
    /// <summary>A bug or an unexpected failure inside Lumen (exit code 1).</summary>
    Internal = 1,

    /// <summary>A wrong argument or option: unknown method, unknown layer, bad target (exit code 2).</summary>
    Usage = 2,

    /// <summary>An input file that is missing, unreadable or malformed: images, arrays, datasets (exit code 3).</summary>
    InputData = 3,

    /// <summary>A model that cannot be built or does not fit its weights (exit code 4).</summary>
    Model = 4,
}

/// <summary>
/// An error Lumen reports to its user: the message is one line that names the problem and the fix.
/// </summary>
public class LumenException : Exception
{
    /// <summary>
    /// The longest message kept whole. Longer ones (text from a hostile file that slipped into a message) keep their
    /// beginning and their end, where the fix is, and lose the middle.
    /// </summary>
    public const int MaxMessageLength = 2000;

    /// <summary>
    /// Creates an error of the given kind; line breaks and control characters (which can come from a hostile file)
    /// become spaces, and a message longer than <see cref="MaxMessageLength"/> loses its middle.
    /// </summary>
    public LumenException(ErrorKind kind, string message, Exception? inner = null) : base(OneLine(message), inner)
    {
        Kind = kind;
    }

    /// <summary>The kind of problem, which decides the command line's exit code.</summary>
    public ErrorKind Kind { get; }

    private static string OneLine(string message)
    {
        if (message is null) return message!;
        string line = message.Any(char.IsControl) ? string.Concat(message.Select(c => char.IsControl(c) ? ' ' : c)) : message;
        if (line.Length <= MaxMessageLength) return line;
        const int tail = MaxMessageLength / 4;
        string marker = $" ... (the middle of this {line.Length}-character message left out) ... ";
        return string.Concat(line.AsSpan(0, MaxMessageLength - tail - marker.Length), marker, line.AsSpan(line.Length - tail));
    }

    /// <summary>A wrong argument or option.</summary>
    public static LumenException Usage(string message) => new(ErrorKind.Usage, message);

    /// <summary>A missing or malformed input file.</summary>
    public static LumenException InputData(string message, Exception? inner = null) => new(ErrorKind.InputData, message, inner);

    /// <summary>A model that cannot be built or loaded.</summary>
    public static LumenException Model(string message, Exception? inner = null) => new(ErrorKind.Model, message, inner);
}
