using System.Text.Json;

namespace Lumen.Models;

/// <summary>
/// Reads class names from a file: a JSON list of strings (the file starts with <c>[</c>), or text with one name per
/// line (UTF-8, a final line break optional, <c>\r\n</c> accepted). Names are kept as written; whoever prints them
/// makes them safe for its medium (the CLI replaces control characters, the HTML report encodes them).
/// </summary>
public static class ClassNamesFile
{
    /// <summary>The names in <paramref name="path"/>; a missing, empty or malformed file is an input-data error.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw LumenException.InputData($"cannot read the class names '{path}': {error.Message}", error);
        }
        var names = text.TrimStart().StartsWith('[') ? FromJson(path, text) : FromLines(text);
        if (names.Count == 0) throw LumenException.InputData($"the class names '{path}' list no names; give one name per line or a JSON list of strings");
        return names;
    }

    private static List<string> FromLines(string text)
    {
        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static List<string> FromJson(string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Array
                && document.RootElement.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String))
                return document.RootElement.EnumerateArray().Select(item => item.GetString()!).ToList();
        }
        catch (JsonException error)
        {
            throw LumenException.InputData($"the class names '{path}' are not valid JSON ({error.Message}); give a JSON list of strings or one name per line", error);
        }
        throw LumenException.InputData($"the class names '{path}' must be a JSON list of strings, e.g. [\"cat\", \"dog\"]");
    }
}
