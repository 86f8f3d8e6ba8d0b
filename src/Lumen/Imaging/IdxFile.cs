using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;
using Lumen.IO;
using Lumen.Runtime;

namespace Lumen.Imaging;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (<c>t10k-images-idx3-ubyte.gz</c> and friends),
/// plain or gzip-compressed (recognised by the gzip magic bytes, not by the file name).
/// </summary>
/// <remarks>
/// Layout: two zero bytes, a type byte, the number of dimensions, then each dimension as a big-endian 32-bit
/// integer, then the big-endian data in C order. Types: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
/// 0x0D float32, 0x0E float64.
/// </remarks>
public static class IdxFile
{
    private const int MaxDimensions = 32;
    private const long MaxDeflateRatio = 1100;

    /// <summary>Reads an IDX file into a new CPU tensor with the file's dimensions and element type.</summary>
    /// <param name="path">The IDX file, optionally gzip-compressed.</param>
    /// <returns>A tensor the caller owns (uint8 for type 0x08 image and label files).</returns>
    /// <exception cref="LumenException">The file is missing or malformed (kind InputData).</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        InputFile.RequireFile(path, "IDX file", "images-idx3-ubyte");
        if (!File.Exists(path))
        {
            throw LumenException.InputData($"IDX file '{path}' was not found; check the path (Fashion-MNIST comes with the Debian package dataset-fashion-mnist).");
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(file, path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw LumenException.InputData($"IDX file '{path}' could not be opened: {e.Message}", e);
        }
    }

    /// <summary>Reads an IDX file, plain or gzip-compressed, from a seekable stream; <paramref name="path"/> names it in errors.</summary>
    internal static Tensor Read(Stream file, string path)
    {
        try
        {
            file.Position = 0;
            var gzipped = IsGzip(file);
            uint? gzipSize = gzipped ? GzipTrailerSize(file) : null;
            var compressedLength = file.Length;
            file.Position = 0;
            if (!gzipped)
            {
                return Read(file, path, file.Length, null, compressedLength);
            }

            using var stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            return Read(stream, path, null, gzipSize, compressedLength);
        }
        catch (InvalidDataException e)
        {
            throw LumenException.InputData($"IDX file '{path}' is not valid gzip data ({e.Message}); download it again.", e);
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw LumenException.InputData($"IDX file '{path}' could not be read: {e.Message}", e);
        }
    }

    private static Tensor Read(Stream stream, string path, long? plainLength, uint? gzipSize, long compressedLength)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
        {
            throw Malformed(path, "it is shorter than the 4-byte IDX magic number");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Malformed(path, $"it does not start with two zero bytes (found 0x{magic[0]:X2} 0x{magic[1]:X2}); it is not an IDX file");
        }

        var (dtype, itemSize) = magic[2] switch
        {
            0x08 => (ScalarType.Byte, 1),
            0x09 => (ScalarType.Int8, 1),
            0x0B => (ScalarType.Int16, 2),
            0x0C => (ScalarType.Int32, 4),
            0x0D => (ScalarType.Float32, 4),
            0x0E => (ScalarType.Float64, 8),
            _ => throw Malformed(path, $"type byte 0x{magic[2]:X2} is not an IDX type (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)"),
        };

        int rank = magic[3];
        if (rank > MaxDimensions)
        {
            throw Malformed(path, $"it declares {rank} dimensions (at most {MaxDimensions} are accepted)");
        }

        var dimBytes = new byte[4 * rank];
        if (stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false) < dimBytes.Length)
        {
            throw Malformed(path, "the file ends inside the list of dimensions");
        }

        var shape = new long[rank];
        long dataSize = itemSize;
        try
        {
            for (var i = 0; i < rank; i++)
            {
                shape[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i, 4));
                dataSize = checked(dataSize * shape[i]);
            }
        }
        catch (OverflowException)
        {
            throw Malformed(path, "its dimensions describe more elements than can be addressed");
        }

        var headerSize = 4L + dimBytes.Length;
        var dims = string.Join(" x ", shape);

        if (plainLength is long length && length != headerSize + dataSize)
        {
            throw Malformed(path, $"its dimensions {dims} need {headerSize + dataSize} bytes but the file has {length} (truncated or corrupted)");
        }

        // Deflate cannot expand data by more than about 1032:1, so a header claiming more is a lie (or a bomb),
        // caught before the tensor is allocated.
        if (gzipSize is not null && (headerSize + dataSize) / MaxDeflateRatio > compressedLength)
        {
            throw Malformed(path, $"its dimensions {dims} need {headerSize + dataSize} bytes, more than {compressedLength} compressed bytes can hold");
        }

        if (gzipSize is uint size && size != (uint)(headerSize + dataSize))
        {
            throw Malformed(path, $"its dimensions {dims} need {headerSize + dataSize} bytes but the gzip data holds {size} (mod 2^32) bytes");
        }

        var maxBytes = InputLimits.MaxInputBytes;
        if (dataSize > maxBytes)
        {
            throw LumenException.InputData(
                $"IDX file '{path}' declares {dims} elements, {ByteCount.Describe(dataSize)} of data, above the input memory limit of {ByteCount.Describe(maxBytes)}; " +
                $"split the dataset, or {InputLimits.HowToRaise}.");
        }

        Tensor tensor;
        try
        {
            tensor = TensorBytes.Read(stream, shape, dtype);
        }
        catch (EndOfStreamException e)
        {
            throw LumenException.InputData($"IDX file '{path}' ended before its {dims} elements were read; it is truncated, download it again.", e);
        }

        if (stream.ReadByte() != -1)
        {
            tensor.Dispose();
            throw Malformed(path, $"it has bytes after the {dims} elements its header declares");
        }

        if (itemSize > 1 && BitConverter.IsLittleEndian && tensor.numel() > 0)
        {
            TensorBytes.ReverseEndianness(tensor.bytes, itemSize);
        }

        return tensor;
    }

    private static bool IsGzip(Stream file)
    {
        Span<byte> head = stackalloc byte[2];
        return file.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    /// <summary>The ISIZE field of the gzip trailer: the uncompressed size modulo 2^32.</summary>
    private static uint? GzipTrailerSize(Stream file)
    {
        if (file.Length < 18)
        {
            return null;
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    private static LumenException Malformed(string path, string problem) =>
        LumenException.InputData($"IDX file '{path}' is not a valid IDX file: {problem}.");
}
