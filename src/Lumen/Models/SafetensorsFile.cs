using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the data. Everything in the header is checked against the file's length
/// before a single tensor is allocated, so a hostile or corrupted file ends in a <see cref="LumenException"/>
/// (kind Model), never in a huge allocation or a read outside the file.
/// </summary>
internal static class SafetensorsFile
{
    /// <summary>The largest JSON header accepted (the format's own reference implementation allows 100 MB).</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads every tensor of a safetensors stream (seekable) by name; the caller owns the tensors.</summary>
    /// <param name="stream">The file's bytes, positioned anywhere; it is read from its start.</param>
    /// <param name="name">How the file is named in error messages.</param>
    /// <exception cref="LumenException">The file is not a valid safetensors file (kind Model).</exception>
    public static Dictionary<string, Tensor> Read(Stream stream, string name)
    {
        var entries = ReadHeader(stream, name, out long dataStart);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = torch.NewDisposeScope();
        foreach (var entry in entries)
        {
            stream.Position = dataStart + entry.Begin;
            var tensor = torch.empty(entry.Shape, entry.Dtype);
            if (entry.End > entry.Begin)
            {
                stream.ReadExactly(tensor.bytes);
            }

            result[entry.Name] = tensor;
        }

        foreach (var tensor in result.Values)
        {
            tensor.MoveToOuterDisposeScope();
        }

        return result;
    }

    /// <summary>One tensor as the header describes it, already validated.</summary>
    internal sealed record Entry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End);

    /// <summary>Parses and validates the header; returns the entries sorted by offset and where the data starts.</summary>
    internal static List<Entry> ReadHeader(Stream stream, string name, out long dataStart)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(name, $"it is only {fileLength} bytes long, shorter than the 8-byte header length");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw Invalid(name, $"its header claims {headerLength} bytes but only {fileLength - 8} follow (truncated or not safetensors)");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw Invalid(name, $"its header is {headerLength} bytes, above the limit of {MaxHeaderBytes}");
        }

        if (headerLength < 2)
        {
            throw Invalid(name, "its JSON header is empty");
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var entries = ParseHeader(headerBytes, name, dataLength);
        CheckLayout(entries, name, dataLength);
        return entries;
    }

    private static List<Entry> ParseHeader(byte[] headerBytes, string name, long dataLength)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(name, "its header is not valid UTF-8 text");
        }

        JsonDocument document;
        try
        {
            // The format allows trailing spaces as padding.
            document = JsonDocument.Parse(text.TrimEnd(' '), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Invalid(name, $"its header is not valid JSON ({FirstLine(e.Message)})");
        }
        catch (ArgumentException e)
        {
            throw Invalid(name, $"its header is not valid UTF-8 JSON ({FirstLine(e.Message)})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(name, $"its header is a JSON {document.RootElement.ValueKind}, not an object");
            }

            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Invalid(name, $"tensor '{Shorten(property.Name)}' appears twice in the header");
                }

                if (property.Name == "__metadata__")
                {
                    CheckMetadata(property.Value, name);
                    continue;
                }

                entries.Add(ParseEntry(property.Name, property.Value, name, dataLength));
            }

            return entries;
        }
    }

    private static void CheckMetadata(JsonElement metadata, string name)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, "its __metadata__ is not an object of strings");
        }

        foreach (var item in metadata.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(name, $"its __metadata__ value '{Shorten(item.Name)}' is not a string");
            }
        }
    }

    private static Entry ParseEntry(string tensorName, JsonElement value, string name, long dataLength)
    {
        string what = $"tensor '{Shorten(tensorName)}'";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, $"{what} is described by a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets");
        }

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(name, $"{what} has no dtype string");
        }

        string dtypeName = dtypeElement.GetString()!;
        var (dtype, itemSize) = DtypeOf(dtypeName)
            ?? throw Invalid(name, $"{what} has dtype '{Shorten(dtypeName)}', which Lumen does not read (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");

        var shape = ReadIntegers(value, "shape", what, name, maxCount: 32);
        var offsets = ReadIntegers(value, "data_offsets", what, name, maxCount: 2);
        if (offsets.Length != 2)
        {
            throw Invalid(name, $"{what} has {offsets.Length} data_offsets instead of [begin, end]");
        }

        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
        {
            throw Invalid(name, $"{what} spans bytes {begin}..{end} but the data region holds {dataLength} bytes");
        }

        long bytes = itemSize;
        try
        {
            foreach (long dim in shape)
            {
                bytes = checked(bytes * dim);
            }
        }
        catch (OverflowException)
        {
            throw Invalid(name, $"{what} has shape [{string.Join(", ", shape)}], more elements than can be addressed");
        }

        if (bytes != end - begin)
        {
            throw Invalid(name, $"{what} has shape [{string.Join(", ", shape)}] of {dtypeName}, which needs {bytes} bytes, but its data_offsets span {end - begin}");
        }

        return new Entry(tensorName, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement value, string property, string what, string name, int maxCount)
    {
        if (!value.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, $"{what} has no {property} array");
        }

        int count = array.GetArrayLength();
        if (count > maxCount)
        {
            throw Invalid(name, $"{what} has {count} {property} entries (at most {maxCount})");
        }

        var result = new long[count];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
            {
                throw Invalid(name, $"{what} has a {property} entry that is not a non-negative integer: {Shorten(item.GetRawText())}");
            }

            result[i++] = number;
        }

        return result;
    }

    /// <summary>The byte ranges must cover the data region exactly, in order, without holes or overlaps.</summary>
    private static void CheckLayout(List<Entry> entries, string name, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin < position)
            {
                throw Invalid(name, $"tensor '{Shorten(entry.Name)}' (bytes {entry.Begin}..{entry.End}) overlaps the tensor before it");
            }

            if (entry.Begin > position)
            {
                throw Invalid(name, $"the data region has a hole at bytes {position}..{entry.Begin} that no tensor covers");
            }

            position = entry.End;
        }

        if (position != dataLength)
        {
            throw Invalid(name, $"its tensors cover {position} bytes but the data region holds {dataLength} (trailing bytes or a truncated header)");
        }
    }

    private static (ScalarType Dtype, int ItemSize)? DtypeOf(string dtype) => dtype switch
    {
        "F64" => (ScalarType.Float64, 8),
        "F32" => (ScalarType.Float32, 4),
        "F16" => (ScalarType.Float16, 2),
        "BF16" => (ScalarType.BFloat16, 2),
        "I64" => (ScalarType.Int64, 8),
        "I32" => (ScalarType.Int32, 4),
        "I16" => (ScalarType.Int16, 2),
        "I8" => (ScalarType.Int8, 1),
        "U8" => (ScalarType.Byte, 1),
        "BOOL" => (ScalarType.Bool, 1),
        _ => null,
    };

    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "...";
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static LumenException Invalid(string name, string problem) =>
        LumenException.Model($"weights file {name} is not a valid safetensors file: {problem}; save it again with safetensors.torch.save_file or use another file.");
}
