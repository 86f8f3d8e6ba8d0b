using System.Text;

namespace Lumen.Cli;

/// <summary>
/// Writes text for a terminal with every control character except line feed and tab replaced by '?'. Labels,
/// layer names and file names can come from a hostile file; raw, an escape sequence in them could retitle or clear
/// the terminal, move the cursor or hide text. JSON output is unaffected (its strings escape control characters).
/// </summary>
public sealed class TerminalSafeWriter(TextWriter inner) : TextWriter
{
    /// <summary>The writer underneath, for Lumen's own progress line, which draws with a carriage return.</summary>
    public TextWriter Inner { get; } = inner;

    /// <inheritdoc />
    public override Encoding Encoding => Inner.Encoding;

    /// <summary>The text as a terminal may show it: control characters other than '\n' and '\t' become '?'.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Any(IsUnsafe) ? string.Concat(text.Select(c => IsUnsafe(c) ? '?' : c)) : text;
    }

    /// <inheritdoc />
    public override void Write(char value) => Inner.Write(IsUnsafe(value) ? '?' : value);

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (value is not null) Inner.Write(Clean(value));
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        Write(value);
        Inner.WriteLine();
    }

    /// <inheritdoc />
    public override void WriteLine() => Inner.WriteLine();

    /// <inheritdoc />
    public override void Flush() => Inner.Flush();

    private static bool IsUnsafe(char c) => char.IsControl(c) && c != '\n' && c != '\t';
}
