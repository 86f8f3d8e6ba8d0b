using System.Buffers.Binary;
using System.Text;
using Lumen.IO;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0 read; 1.0 written), so arrays move
/// between Lumen and Python unchanged.
/// </summary>
/// <remarks>
/// Dtypes read and written: float32 (<c>&lt;f4</c>), float64 (<c>&lt;f8</c>), float16 (<c>&lt;f2</c>),
/// uint8 (<c>|u1</c>), int8 (<c>|i1</c>), int16 (<c>&lt;i2</c>), int32 (<c>&lt;i4</c>), int64 (<c>&lt;i8</c>) and
/// bool (<c>|b1</c>). Big-endian files (<c>&gt;f4</c> and so on) are read and converted. Only C order is
/// supported; files are always written little-endian in C order.
/// </remarks>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>The most dimensions an array may have: NumPy's own limit (<c>NPY_MAXDIMS</c>, 64 since NumPy 2.0).</summary>
    public const int MaxDimensions = 64;

    /// <summary>Reads a .npy file into a new CPU tensor with the file's shape and dtype.</summary>
    /// <param name="path">The .npy file.</param>
    /// <returns>A tensor the caller owns and disposes.</returns>
    /// <exception cref="LumenException">
    /// The file is missing, not a regular file (a pipe, a directory), malformed, holds an unsupported dtype or order,
    /// or more data than <see cref="InputLimits.MaxInputBytes"/> (kind InputData).
    /// </exception>
    public static Tensor Read(string path) => Read(path, InputLimits.MaxInputBytes);

    /// <summary>Reads a .npy file whose data may take at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="path">The .npy file.</param>
    /// <param name="maxBytes">The largest data size accepted, checked from the header before anything is allocated.</param>
    /// <returns>A tensor the caller owns and disposes.</returns>
    /// <exception cref="LumenException">As <see cref="Read(string)"/>, with this limit (kind InputData).</exception>
    public static Tensor Read(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        InputFile.RequireFile(path, "NumPy file", "input.npy");
        if (!File.Exists(path))
        {
            throw LumenException.InputData($"NumPy file '{path}' was not found; check the path.");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, path, maxBytes);
        }
        catch (IOException e)
        {
            throw LumenException.InputData($"NumPy file '{path}' could not be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw LumenException.InputData($"NumPy file '{path}' could not be opened: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="tensor"/> as a version 1.0 .npy file in C order. The file is written to a temporary
    /// file in the same folder and renamed, so an interrupted run never leaves a truncated file.
    /// </summary>
    /// <param name="path">The destination; an existing file is replaced.</param>
    /// <param name="tensor">The tensor to save (any device; copied to the CPU if needed). It is not modified.</param>
    /// <exception cref="LumenException">The dtype cannot be written or the folder does not exist (kind Usage).</exception>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tensor);
        var descr = DescrOf(tensor.dtype)
            ?? throw LumenException.Usage($"Cannot write '{path}': dtype {tensor.dtype} has no .npy mapping here; convert the tensor to float16/32/64, uint8, int8/16/32/64 or bool first.");

        var header = new NpyHeader(descr, false, tensor.shape).Format();
        // Pad with spaces and a newline so that data starts at a multiple of 64 bytes, as NumPy does.
        var unpadded = Magic.Length + 2 + 2 + header.Length + 1;
        var padding = (64 - unpadded % 64) % 64;
        var headerText = header + new string(' ', padding) + "\n";
        if (headerText.Length > ushort.MaxValue)
        {
            throw LumenException.Usage($"Cannot write '{path}': the tensor has too many dimensions for a version 1.0 .npy header.");
        }

        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(1);
            stream.WriteByte(0);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)headerText.Length);
            stream.Write(length);
            stream.Write(Encoding.Latin1.GetBytes(headerText));
            TensorBytes.Write(stream, tensor);
        });
    }

    /// <summary>Reads a .npy file from a seekable stream; <paramref name="path"/> names it in error messages.</summary>
    internal static Tensor Read(Stream stream, string path) => Read(stream, path, InputLimits.MaxInputBytes);

    /// <summary>Reads a .npy file from a seekable stream, refusing more than <paramref name="maxBytes"/> bytes of data.</summary>
    internal static Tensor Read(Stream stream, string path, long maxBytes)
    {
        if (!stream.CanSeek)
        {
            throw LumenException.InputData($"NumPy file '{path}' cannot be measured before reading (it is a stream, not a regular file); write the array to a file first (e.g. `... > input.npy`).");
        }

        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[12];
        if (fileLength < 10 || stream.ReadAtLeast(prefix[..10], 10, throwOnEndOfStream: false) < 10)
        {
            throw Malformed(path, $"it is only {fileLength} bytes long, shorter than any .npy header");
        }

        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw Malformed(path, "it does not start with the .npy magic bytes \\x93NUMPY (is it a .npz archive or another format?)");
        }

        int major = prefix[6], minor = prefix[7];
        long headerLength;
        int prefixLength;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
                prefixLength = 10;
                break;
            case 2 or 3:
                if (stream.ReadAtLeast(prefix[10..12], 2, throwOnEndOfStream: false) < 2)
                {
                    throw Malformed(path, "the file ends inside the header length field");
                }

                headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
                prefixLength = 12;
                break;
            default:
                throw Malformed(path, $"format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");
        }

        if (headerLength > MaxHeaderLength || prefixLength + headerLength > fileLength)
        {
            throw Malformed(path, $"its header claims {headerLength} bytes but the file has {fileLength - prefixLength} bytes after the prefix");
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var headerText = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var header = NpyHeader.TryParse(headerText.TrimEnd('\n', ' ', '\0'), out var problem)
            ?? throw Malformed(path, problem);

        if (header.FortranOrder)
        {
            throw Malformed(path, "fortran_order is True (column-major data); save it from NumPy in C order with np.save(path, np.ascontiguousarray(a))");
        }

        var (dtype, itemSize, bigEndian) = DtypeOf(header.Descr)
            ?? throw Malformed(path, $"dtype '{MessageText.Clip(header.Descr)}' is not supported; use float16/32/64, uint8, int8/16/32/64 or bool");

        if (header.Shape.Length > MaxDimensions)
        {
            throw Malformed(path, $"its shape ({MessageText.Dimensions(header.Shape)}) has more than the {MaxDimensions} dimensions NumPy allows");
        }

        long count = 1;
        try
        {
            foreach (var dim in header.Shape)
            {
                count = checked(count * dim);
            }

            var expected = checked(count * itemSize);
            var available = fileLength - prefixLength - headerLength;
            var shape = MessageText.Dimensions(header.Shape);
            if (expected != available)
            {
                throw Malformed(path, $"shape ({shape}) of {header.Descr} needs {expected} data bytes but the file holds {available} (truncated or corrupted)");
            }

            if (expected > maxBytes)
            {
                throw LumenException.InputData(
                    $"NumPy file '{path}' holds an array of shape ({shape}) of {header.Descr}, {ByteCount.Describe(expected)} of data, above the input memory limit of " +
                    $"{ByteCount.Describe(maxBytes)}; use a smaller array, or {InputLimits.HowToRaise}.");
            }
        }
        catch (OverflowException)
        {
            throw Malformed(path, "its shape describes more elements than can be addressed");
        }

        try
        {
            var tensor = TensorBytes.Read(stream, header.Shape, dtype);
            if (bigEndian != !BitConverter.IsLittleEndian && itemSize > 1 && tensor.numel() > 0)
            {
                TensorBytes.ReverseEndianness(tensor.bytes, itemSize);
            }

            return tensor;
        }
        catch (EndOfStreamException e)
        {
            throw LumenException.InputData($"NumPy file '{path}' ended before all its data could be read; it was probably truncated while being copied.", e);
        }
    }

    private static (ScalarType Dtype, int ItemSize, bool BigEndian)? DtypeOf(string descr)
    {
        if (descr.Length < 3 || descr[0] is not ('<' or '>' or '|' or '='))
        {
            return null;
        }

        var (dtype, size) = descr[1..] switch
        {
            "f2" => (ScalarType.Float16, 2),
            "f4" => (ScalarType.Float32, 4),
            "f8" => (ScalarType.Float64, 8),
            "u1" => (ScalarType.Byte, 1),
            "i1" => (ScalarType.Int8, 1),
            "i2" => (ScalarType.Int16, 2),
            "i4" => (ScalarType.Int32, 4),
            "i8" => (ScalarType.Int64, 8),
            "b1" => (ScalarType.Bool, 1),
            _ => ((ScalarType)(-1), 0),
        };
        if (size == 0 || (size > 1 && descr[0] == '|'))
        {
            return null;
        }

        var bigEndian = descr[0] == '>' || (descr[0] == '=' && !BitConverter.IsLittleEndian);
        return (dtype, size, bigEndian);
    }

    private static string? DescrOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => "<f2",
        ScalarType.Float32 => "<f4",
        ScalarType.Float64 => "<f8",
        ScalarType.Byte => "|u1",
        ScalarType.Int8 => "|i1",
        ScalarType.Int16 => "<i2",
        ScalarType.Int32 => "<i4",
        ScalarType.Int64 => "<i8",
        ScalarType.Bool => "|b1",
        _ => null,
    };

    private static LumenException Malformed(string path, string problem) =>
        LumenException.InputData($"NumPy file '{path}' is not a valid .npy file: {problem}.");
}
