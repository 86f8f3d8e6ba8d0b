using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// Reads the state_dict of a PyTorch <c>torch.save</c> file (the zip container: <c>archive/data.pkl</c> plus one
/// entry per storage under <c>archive/data/</c>). The pickle goes through <see cref="RestrictedUnpickler"/>, so
/// only tensors and dicts are built; every storage's size and every tensor view's extent are checked against
/// the archive before any tensor is allocated.
/// </summary>
internal static class PyTorchFile
{
    /// <summary>The largest <c>data.pkl</c> accepted; a state_dict's pickle holds only names and shapes.</summary>
    internal const long MaxPickleBytes = 64L << 20;

    /// <summary>Deflate cannot expand data by more than about 1032:1; a larger claimed ratio is a lie or a bomb.</summary>
    private const long MaxDeflateRatio = 1100;

    /// <summary>
    /// How many bytes the storage entries of one file may inflate to beyond their compressed size, in total: 256 MiB.
    /// <c>torch.save</c> stores storages uncompressed, so a real file inflates by nothing; a small file of deflated
    /// zeros must not become gigabytes of tensors.
    /// </summary>
    internal const long MaxInflatedBytes = 256L << 20;

    private const int MaxWrapperDepth = 4;

    private sealed record StorageRef(string Key, ScalarType Dtype, int ItemSize, long Count);

    /// <summary>Reads every tensor of the state_dict in a seekable stream, by name; the caller owns the tensors.</summary>
    /// <param name="stream">The file's bytes, read from the start.</param>
    /// <param name="name">How the file is named in error messages.</param>
    /// <exception cref="LumenException">The file is malformed or holds more than a state_dict (kind Model).</exception>
    public static Dictionary<string, Tensor> Read(Stream stream, string name)
    {
        try
        {
            stream.Position = 0;
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return Read(archive, stream.Length, name);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw Invalid(name, $"its zip container is damaged ({FirstLine(e.Message)})");
        }
    }

    private static Dictionary<string, Tensor> Read(ZipArchive archive, long fileLength, string name)
    {
        var pickles = archive.Entries.Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).ToList();
        if (pickles.Count != 1)
        {
            throw Invalid(name, pickles.Count == 0
                ? "the zip holds no data.pkl (is it a PyTorch file saved with torch.save?)"
                : "the zip holds more than one data.pkl");
        }

        string prefix = pickles[0].FullName[..^"data.pkl".Length];
        bool bigEndian = ReadByteOrder(archive, prefix, fileLength, name);
        byte[] pickle = ReadEntry(pickles[0], MaxPickleBytes, fileLength, name);

        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        object? root = RestrictedUnpickler.Load(pickle, name, pid => LoadStorage(pid, storages, name));
        var views = StateDictOf(root, name);

        // Every check happens before the first tensor is allocated.
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        long inflated = 0;
        foreach (var storage in storages.Values)
        {
            var entry = archive.GetEntry(prefix + "data/" + storage.Key)
                ?? throw Invalid(name, $"storage '{Shorten(storage.Key)}' has no entry {prefix}data/{Shorten(storage.Key)} in the zip");
            long bytes = Checked(() => checked(storage.Count * storage.ItemSize), name, "a storage claims more elements than can be addressed");
            if (entry.Length != bytes)
            {
                throw Invalid(name, $"storage '{Shorten(storage.Key)}' needs {bytes} bytes ({storage.Count} x {storage.Dtype}) but its zip entry holds {entry.Length}");
            }

            CheckEntrySize(entry, bytes, fileLength, name);
            inflated += Math.Max(0, bytes - entry.CompressedLength);
            if (inflated > MaxInflatedBytes)
            {
                throw Invalid(name, $"its compressed storages inflate by more than {MaxInflatedBytes >> 20} MiB (the limit PyTorchFile.MaxInflatedBytes; torch.save stores them uncompressed), so it is a zip bomb or a damaged file");
            }

            entries[storage.Key] = entry;
        }

        long repeated = -views.Values.Select(view => (StorageRef)view.Storage).Distinct().Sum(storage => storage.Count);
        foreach (var (key, view) in views)
        {
            repeated += CheckView(key, view, (StorageRef)view.Storage, name);
            if (repeated > PickleLimits.MaxRepeatedElements)
            {
                throw Invalid(name, $"tensor '{Shorten(key)}' of size [{string.Join(", ", view.Size)}] repeats its storage's elements (strides [{string.Join(", ", view.Stride)}]), so the tensors would hold more than {PickleLimits.MaxRepeatedElements:N0} elements beyond their storages (the limit PickleLimits.MaxRepeatedElements)");
            }
        }

        using var scope = torch.NewDisposeScope();
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, view) in views)
        {
            var storage = (StorageRef)view.Storage;
            if (!loaded.TryGetValue(storage.Key, out var flat))
            {
                flat = ReadStorage(entries[storage.Key], storage, bigEndian, name);
                loaded[storage.Key] = flat;
            }

            result[key] = flat.as_strided(view.Size, view.Stride, view.Offset).clone();
        }

        foreach (var tensor in result.Values)
        {
            tensor.MoveToOuterDisposeScope();
        }

        return result;
    }

    private static object LoadStorage(object? pid, Dictionary<string, StorageRef> storages, string name)
    {
        if (pid is not object?[] { Length: 5 } parts || parts[0] is not "storage")
        {
            throw Invalid(name, "a persistent id is not a ('storage', type, key, location, count) tuple");
        }

        if (parts[1] is not RestrictedUnpickler.Global type || parts[2] is not string key || parts[3] is not string || parts[4] is not long count || count < 0)
        {
            throw Invalid(name, "a storage reference has malformed fields");
        }

        if (type.Module != "torch" || !type.Name.EndsWith("Storage", StringComparison.Ordinal))
        {
            throw Invalid(name, $"a storage reference names {type} instead of a torch storage type");
        }

        var (dtype, itemSize) = DtypeOf(type.Name);
        var storage = new StorageRef(key, dtype, itemSize, count);
        if (storages.TryGetValue(key, out var known))
        {
            if (known != storage) throw Invalid(name, $"storage '{Shorten(key)}' is described twice with different types or sizes");
            return known;
        }

        storages[key] = storage;
        return storage;
    }

    private static Dictionary<string, RestrictedUnpickler.TensorView> StateDictOf(object? root, string name)
    {
        var dict = root as RestrictedUnpickler.Dict ?? throw Invalid(name, "its pickle holds no dict; save model.state_dict() with torch.save");
        // A checkpoint may wrap the state_dict: {"state_dict": {...}} or {"model": {...}}.
        for (int depth = 0; depth < MaxWrapperDepth; depth++)
        {
            if (dict.TryGetValue("state_dict", out var inner) && inner is RestrictedUnpickler.Dict a) dict = a;
            else if (dict.TryGetValue("model", out inner) && inner is RestrictedUnpickler.Dict b) dict = b;
            else break;
        }

        var views = new Dictionary<string, RestrictedUnpickler.TensorView>(StringComparer.Ordinal);
        foreach (var (key, value) in dict)
        {
            if (key is string text && value is RestrictedUnpickler.TensorView { Storage: StorageRef } view) views[text] = view;
        }

        return views;
    }

    /// <summary>
    /// Checks that every element of <paramref name="view"/> lies in its storage (offset + Σ (size_i − 1)·stride_i, all
    /// strides non-negative) and returns its element count.
    /// </summary>
    private static long CheckView(string key, RestrictedUnpickler.TensorView view, StorageRef storage, string name)
    {
        if (view.Size.Any(dim => dim == 0)) return 0;
        if (view.Stride.Any(stride => stride < 0)) throw Invalid(name, $"tensor '{Shorten(key)}' has a negative stride");
        long count = Checked(() => view.Size.Aggregate(1L, (product, dim) => checked(product * dim)), name, $"tensor '{Shorten(key)}' describes more elements than can be addressed");
        long last = Checked(() =>
        {
            long index = view.Offset;
            for (int i = 0; i < view.Size.Length; i++) index = checked(index + (view.Size[i] - 1) * view.Stride[i]);
            return index;
        }, name, $"tensor '{Shorten(key)}' describes more elements than can be addressed");
        if (last >= storage.Count)
        {
            throw Invalid(name, $"tensor '{Shorten(key)}' of size [{string.Join(", ", view.Size)}] reaches element {last} of a storage that holds {storage.Count}");
        }

        return count;
    }

    private static Tensor ReadStorage(ZipArchiveEntry entry, StorageRef storage, bool bigEndian, string name)
    {
        var flat = torch.empty([storage.Count], storage.Dtype);
        if (storage.Count == 0) return flat;
        using var source = entry.Open();
        try
        {
            source.ReadExactly(flat.bytes);
        }
        catch (EndOfStreamException)
        {
            throw Invalid(name, $"storage '{Shorten(storage.Key)}' ends before its {storage.Count} elements (truncated)");
        }

        if (bigEndian && storage.ItemSize > 1) Imaging.TensorBytes.ReverseEndianness(flat.bytes, storage.ItemSize);
        return flat;
    }

    private static bool ReadByteOrder(ZipArchive archive, string prefix, long fileLength, string name)
    {
        var entry = archive.GetEntry(prefix + "byteorder");
        if (entry is null) return !BitConverter.IsLittleEndian;
        string order = Encoding.ASCII.GetString(ReadEntry(entry, 16, fileLength, name)).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw Invalid(name, $"its byteorder entry says '{Shorten(order)}' instead of little or big"),
        };
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, long fileLength, string name)
    {
        if (entry.Length > limit)
        {
            throw Invalid(name, $"its entry {Shorten(entry.FullName)} is {entry.Length} bytes, above the limit of {limit}");
        }

        CheckEntrySize(entry, entry.Length, fileLength, name);
        var bytes = new byte[entry.Length];
        using var source = entry.Open();
        try
        {
            source.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw Invalid(name, $"its entry {Shorten(entry.FullName)} ends early (truncated)");
        }

        return bytes;
    }

    private static void CheckEntrySize(ZipArchiveEntry entry, long bytes, long fileLength, string name)
    {
        if (entry.CompressedLength > fileLength || entry.CompressedLength < 0)
        {
            throw Invalid(name, $"its entry {Shorten(entry.FullName)} claims {entry.CompressedLength} compressed bytes in a file of {fileLength}");
        }

        if (bytes / MaxDeflateRatio > entry.CompressedLength)
        {
            throw Invalid(name, $"its entry {Shorten(entry.FullName)} claims {bytes} bytes from {entry.CompressedLength} compressed ones, more than deflate can expand (a zip bomb or a damaged file)");
        }
    }

    private static (ScalarType Dtype, int ItemSize) DtypeOf(string storage) => storage switch
    {
        "DoubleStorage" => (ScalarType.Float64, 8),
        "FloatStorage" => (ScalarType.Float32, 4),
        "HalfStorage" => (ScalarType.Float16, 2),
        "BFloat16Storage" => (ScalarType.BFloat16, 2),
        "LongStorage" => (ScalarType.Int64, 8),
        "IntStorage" => (ScalarType.Int32, 4),
        "ShortStorage" => (ScalarType.Int16, 2),
        "CharStorage" => (ScalarType.Int8, 1),
        "ByteStorage" => (ScalarType.Byte, 1),
        "BoolStorage" => (ScalarType.Bool, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(storage), storage, "RestrictedUnpickler admits only known storage types."),
    };

    private static long Checked(Func<long> compute, string name, string problem)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            throw Invalid(name, problem);
        }
    }

    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "...";
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static LumenException Invalid(string name, string problem) =>
        LumenException.Model($"weights file {name} is not a readable PyTorch state_dict: {problem}; save model.state_dict() with torch.save or use a .safetensors file.");
}
