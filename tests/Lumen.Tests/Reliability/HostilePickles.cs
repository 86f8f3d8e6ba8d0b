using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lumen.Tests.Reliability;

/// <summary>Writes pickles opcode by opcode, and PyTorch zips around them, for the budget tests.</summary>
internal sealed class HostilePickles
{
    private readonly MemoryStream bytes = new();

    public HostilePickles() => Op(0x80, 2);

    public byte[] Bytes => bytes.ToArray();

    public HostilePickles Op(params byte[] opcodes)
    {
        bytes.Write(opcodes);
        return this;
    }

    public HostilePickles Repeat(int times, params byte[] opcodes)
    {
        for (int i = 0; i < times; i++) bytes.Write(opcodes);
        return this;
    }

    public HostilePickles Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public HostilePickles Text(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Op((byte)'X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op(length.ToArray()).Op(utf8);
    }

    public HostilePickles Int(int value)
    {
        Span<byte> raw = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(raw, value);
        return Op((byte)'J').Op(raw.ToArray());
    }

    public HostilePickles Get(byte slot) => Op((byte)'h', slot);

    public HostilePickles Put(byte slot) => Op((byte)'q', slot);

    public HostilePickles Tuple(params int[] values)
    {
        Op((byte)'(');
        foreach (int value in values) Int(value);
        return Op((byte)'t');
    }

    /// <summary>An empty <c>OrderedDict()</c>.</summary>
    public HostilePickles EmptyOrderedDict() => Global("collections", "OrderedDict").Op((byte)')', (byte)'R');

    /// <summary>Sets <paramref name="key"/> of the dict on top to a float tensor of <paramref name="size"/> and <paramref name="stride"/> over storage "0".</summary>
    public HostilePickles Tensor(string key, int storageCount, int[] size, int[] stride)
    {
        Text(key).Global("torch._utils", "_rebuild_tensor_v2").Op((byte)'(');
        Op((byte)'(').Text("storage").Global("torch", "FloatStorage").Text("0").Text("cpu").Int(storageCount).Op((byte)'t', (byte)'Q');
        Int(0).Tuple(size).Tuple(stride).Op(0x89).EmptyOrderedDict();
        return Op((byte)'t', (byte)'R', (byte)'s');
    }

    public HostilePickles Stop() => Op((byte)'.');

    /// <summary>A torch.save zip of <paramref name="pickle"/> (deflated when <paramref name="deflate"/>) and the given storages.</summary>
    public static byte[] Zip(byte[] pickle, bool deflate, params (string Key, byte[] Bytes)[] storages)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var stream = archive.CreateEntry("archive/data.pkl", deflate ? CompressionLevel.SmallestSize : CompressionLevel.NoCompression).Open())
                stream.Write(pickle);
            foreach (var (key, data) in storages)
            {
                using var stream = archive.CreateEntry("archive/data/" + key, CompressionLevel.NoCompression).Open();
                stream.Write(data);
            }
        }

        return memory.ToArray();
    }
}
