using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Data;

/// <summary>
/// Reads the JSON manifest of one shard of a sharded run (<c>--shard I/N</c>), whatever the command: the file must
/// exist, parse, and carry the expected <c>kind</c>; anything malformed inside becomes one clear input-data error.
/// </summary>
public static class ShardManifest
{
    /// <summary>Opens <paramref name="path"/> and hands its root object and folder to <paramref name="parse"/>.</summary>
    /// <param name="path">The manifest.</param>
    /// <param name="kind">The <c>kind</c> field it must have.</param>
    /// <param name="description">What it is, for errors (e.g. "top-K shard file").</param>
    /// <param name="parse">Reads the fields (and the files next to it, through <see cref="Sibling"/>).</param>
    /// <exception cref="LumenException">A missing file, another kind, or a malformed field or array (kind InputData).</exception>
    public static T Read<T>(string path, string kind, string description, Func<JsonObject, string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        Lumen.IO.InputFile.RequireFile(path, "shard file", "shard.json");
        if (!File.Exists(path)) throw LumenException.InputData($"shard file '{path}' does not exist");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException("empty");
            if ((string?)root["kind"] != kind) throw new FormatException($"its kind is not {kind}");
            return parse(root, folder);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException
            or ArgumentException or InvalidCastException or LumenException)
        {
            throw LumenException.InputData($"'{path}' is not a readable {description}: {e.Message}");
        }
    }

    /// <summary>A file a manifest names, which must lie in the manifest's own folder.</summary>
    /// <exception cref="FormatException">The name points elsewhere.</exception>
    public static string Sibling(string folder, string name)
    {
        if (name != Path.GetFileName(name) || name.Length == 0) throw new FormatException($"the file name '{name}' points outside the shard's folder");
        return Path.Combine(folder, name);
    }
}
