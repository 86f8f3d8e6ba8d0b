using Google.Protobuf;
using Lumen.IO;
using Lumen.Imaging;
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
        if (offset > fileLength - expectedBytes)
            throw LumenException.Model($"ONNX tensor '{name}' needs {expectedBytes} bytes from byte {offset} of '{location}', which has only {fileLength}");
        var bytes = new byte[expectedBytes];
        using var stream = File.OpenRead(path);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Checks every tensor of <paramref name="model"/> stored as external data — initializers, sparse tensors, node
    /// attributes and those of sub-graphs, found wherever a <c>TensorProto</c> occurs — the way <see cref="Read"/>
    /// does, so that a runtime reading the data itself (ONNX Runtime) is never led outside <paramref name="modelFolder"/>.
    /// </summary>
    public static void CheckAll(IMessage model, string modelFolder)
    {
        foreach (var tensor in Tensors(model).Where(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            string? location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value;
            if (string.IsNullOrWhiteSpace(location))
                throw LumenException.Model($"ONNX tensor '{tensor.Name}' is stored externally but names no location");
            ResolveInside(modelFolder, location, tensor.Name);
        }
    }

    private static IEnumerable<TensorProto> Tensors(IMessage message)
    {
        if (message is TensorProto tensor)
        {
            yield return tensor;
            yield break;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != Google.Protobuf.Reflection.FieldType.Message) continue;
            object? value = field.Accessor.GetValue(message);
            IEnumerable<IMessage> children = value switch
            {
                System.Collections.IList list => list.OfType<IMessage>(),
                IMessage single => new[] { single },
                _ => Array.Empty<IMessage>(),
            };
            foreach (var child in children)
            {
                foreach (var found in Tensors(child)) yield return found;
            }
        }
    }

    /// <summary>
    /// The real path of <paramref name="location"/> inside <paramref name="folder"/>: links along it resolved and
    /// <c>..</c> taken after them, as the operating system does. Anything whose real path is outside the folder's real
    /// path is refused.
    /// </summary>
    public static string ResolveInside(string folder, string location, string tensorName)
    {
        string root = Path.GetFullPath(folder);
        if (Path.IsPathRooted(location) || location.Contains('\0'))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}' by an absolute path; Lumen reads external data only from the model's folder");
        string full = Path.GetFullPath(Path.Combine(root, location));
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}' outside the model's folder; Lumen refuses it");
        // Links anywhere along the path (a linked folder as much as a linked file) must not lead outside either:
        // the real path of the data must lie inside the real path of the folder, which may itself be reached by a link.
        string? realRoot = RealPath.Of(root);
        string? realFull = RealPath.Of(Path.Join(root, location));
        if (realRoot is null || realFull is null || !RealPath.IsInside(realFull, realRoot))
            throw LumenException.Model($"ONNX tensor '{tensorName}' points to external data '{location}', a link to a file outside the model's folder (or a link loop); Lumen refuses it, so copy the data next to the model");
        return realFull;
    }

    private static long? Number(Dictionary<string, string> entries, string key, string tensorName)
    {
        if (!entries.TryGetValue(key, out string? text)) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value))
            throw LumenException.Model($"ONNX tensor '{tensorName}' has external data {key} '{text}', not a non-negative integer");
        return value;
    }
}
