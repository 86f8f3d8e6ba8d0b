using Lumen.Onnx.Proto;

namespace Lumen.Onnx;

/// <summary>
/// Reads tensor bytes stored outside the model file (ONNX external data: <c>location</c>, <c>offset</c>,
/// <c>length</c>). The file must lie inside the model's folder: absolute paths and paths leaving the folder are refused.
/// </summary>
internal static class ExternalData
{
    /// <summary>The <paramref name="expectedBytes"/> bytes of <paramref name="proto"/> from its external file.</summary>
    public static byte[] Read(TensorProto proto, string modelFolder, long expectedBytes)
    {
        string name = proto.Name;
        var entries = proto.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("location", out string? location) || string.IsNullOrWhiteSpace(location))
            throw LumenException.Model($"ONNX tensor '{name}' is stored externally but names no location");
        string path = ResolveInside(modelFolder, location, name);
        long offset = Number(entries, "offset", name) ?? 0;
        long? length = Number(entries, "length", name);
        if (length is long stated && stated != expectedBytes)
            throw LumenException.Model($"ONNX tensor '{name}' states {stated} external bytes, but its shape needs {expectedBytes}");
        Lumen.IO.InputFile.RequireFile(path, "external data file", "model.onnx.data");
        if (!File.Exists(path))
            throw LumenException.InputData($"external data file '{location}' of ONNX tensor '{name}' is missing; keep it next to the model");
        long fileLength = new FileInfo(path).Length;
        if (offset + expectedBytes > fileLength)
            throw LumenException.Model($"ONNX tensor '{name}' needs bytes {offset}..{offset + expectedBytes} of '{location}', which has only {fileLength}");
        var bytes = new byte[expectedBytes];
        using var stream = File.OpenRead(path);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The full path of <paramref name="location"/> inside <paramref name="folder"/>; anything outside is refused.</summary>
    public static string ResolveInside(string folder, string location, string tensorName)
    {
        string root = Path.GetFullPath(folder);
        if (Path.IsPathRooted(location) || location.Contains('\0'))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}' by an absolute path; Lumen reads external data only from the model's folder");
        string full = Path.GetFullPath(Path.Combine(root, location));
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}' outside the model's folder; Lumen refuses it");
        // A symbolic link inside the folder must not lead outside it either.
        if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is FileSystemInfo target
            && !Path.GetFullPath(target.FullName).StartsWith(prefix, StringComparison.Ordinal))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}', a link to a file outside the model's folder; Lumen refuses it");
        return full;
    }

    private static long? Number(Dictionary<string, string> entries, string key, string tensorName)
    {
        if (!entries.TryGetValue(key, out string? text)) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value))
            throw LumenException.Model($"ONNX tensor '{tensorName}' has external data {key} '{text}', not a non-negative integer");
        return value;
    }
}
