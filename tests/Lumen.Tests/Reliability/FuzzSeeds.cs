using System.IO.Compression;
using System.Text;
using Lumen.Imaging;
using Lumen.Models;
using SkiaSharp;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>Valid files the fuzzer starts from, one small set per loader, built deterministically.</summary>
internal static class FuzzSeeds
{
    public static List<byte[]> Safetensors()
    {
        using var folder = new TempDirectory();
        var seeds = new List<byte[]>();
        torch.manual_seed(1);
        using (var module = nn.Sequential(("fc", nn.Linear(3, 2)), ("conv", nn.Conv2d(1, 2, 2))))
        {
            module.save_safetensors(folder.File("a.safetensors"));
            seeds.Add(File.ReadAllBytes(folder.File("a.safetensors")));
        }

        seeds.Add(Handmade(
            "{\"__metadata__\":{\"format\":\"pt\"},\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}," +
            "\"i\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]},\"b\":{\"dtype\":\"BOOL\",\"shape\":[3,1],\"data_offsets\":[12,15]}," +
            "\"e\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[15,15]},\"u\":{\"dtype\":\"U8\",\"shape\":[1,1,2],\"data_offsets\":[15,17]}}",
            17));
        seeds.Add(File.ReadAllBytes(Fixtures.FmnistWeights));
        return seeds;
    }

    /// <summary>A safetensors file with the given header and <paramref name="dataBytes"/> bytes of data.</summary>
    public static byte[] Handmade(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (long)json.Length);
        json.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++) bytes[8 + json.Length + i] = (byte)(i * 37);
        return bytes;
    }

    public static List<byte[]> PyTorch()
    {
        using var folder = new TempDirectory();
        torch.manual_seed(2);
        using (var module = nn.Sequential(("fc", nn.Linear(3, 2)), ("bn", nn.BatchNorm1d(2))))
        {
            module.save_py(folder.File("b.pt"));
        }

        return [File.ReadAllBytes(Path.Combine(Fixtures.WeightsFolder, "tiny_state_dict.pt")), File.ReadAllBytes(folder.File("b.pt"))];
    }

    /// <summary>The pickle and the other entries of a .pt file, so the pickle alone can be mutated.</summary>
    public static (byte[] Pickle, List<(string Name, byte[] Bytes)> Others) SplitPyTorch(byte[] file)
    {
        using var archive = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
        byte[] pickle = [];
        var others = new List<(string, byte[])>();
        foreach (var entry in archive.Entries)
        {
            using var source = entry.Open();
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            if (entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) pickle = copy.ToArray();
            else others.Add((entry.FullName, copy.ToArray()));
        }

        return (pickle, others);
    }

    /// <summary>A stored (uncompressed) .pt zip around <paramref name="pickle"/>.</summary>
    public static byte[] JoinPyTorch(byte[] pickle, List<(string Name, byte[] Bytes)> others, string prefix = "archive/")
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, prefix + "data.pkl", pickle);
            foreach (var (name, bytes) in others) Add(archive, name, bytes);
        }

        return memory.ToArray();
    }

    private static void Add(ZipArchive archive, string name, byte[] bytes)
    {
        using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    public static List<byte[]> Npy()
    {
        using var folder = new TempDirectory();
        var seeds = new List<byte[]>();
        var tensors = new[]
        {
            torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4),
            torch.arange(5, dtype: ScalarType.Byte),
            torch.tensor(7L),
            torch.tensor(new[] { true, false, true }),
            torch.arange(6, dtype: ScalarType.Float64).reshape(3, 2),
        };
        for (int i = 0; i < tensors.Length; i++)
        {
            string path = folder.File($"{i}.npy");
            NpyFile.Write(path, tensors[i]);
            tensors[i].Dispose();
            seeds.Add(File.ReadAllBytes(path));
        }

        // A big-endian version 2.0 file, as NumPy writes for '>f4' with a long header.
        string header = "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }";
        var headerBytes = Encoding.Latin1.GetBytes(header.PadRight(64 - 12 - 1) + "\n");
        var v2 = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        v2.AddRange(BitConverter.GetBytes(headerBytes.Length));
        v2.AddRange(headerBytes);
        v2.AddRange(new byte[] { 0x3F, 0x80, 0, 0, 0x40, 0, 0, 0, 0x40, 0x40, 0, 0, 0x40, 0x80, 0, 0 });
        seeds.Add([.. v2]);
        return seeds;
    }

    public static List<byte[]> Idx()
    {
        var bytes3 = new List<byte> { 0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 };
        bytes3.AddRange(Enumerable.Range(0, 60).Select(i => (byte)(i * 4)));
        var labels = new List<byte> { 0, 0, 0x08, 1, 0, 0, 0, 6, 1, 2, 3, 4, 5, 6 };
        var floats = new List<byte> { 0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 3 };
        for (int i = 0; i < 6; i++) floats.AddRange(BitConverter.GetBytes((float)i).Reverse());
        return [[.. bytes3], [.. labels], [.. floats], Gzip([.. bytes3])];
    }

    public static byte[] Gzip(byte[] plain)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(plain);
        return memory.ToArray();
    }

    public static List<byte[]> Images()
    {
        var seeds = new List<byte[]>();
        using var bitmap = new SKBitmap(new SKImageInfo(13, 7, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 7; y++)
        {
            for (int x = 0; x < 13; x++) bitmap.SetPixel(x, y, new SKColor((byte)(x * 19), (byte)(y * 36), (byte)(x * y), 255));
        }

        using var image = SKImage.FromBitmap(bitmap);
        foreach (var (format, quality) in new[] { (SKEncodedImageFormat.Png, 100), (SKEncodedImageFormat.Jpeg, 90), (SKEncodedImageFormat.Webp, 80) })
        {
            using var data = image.Encode(format, quality);
            seeds.Add(data.ToArray());
        }

        seeds.Add(Bmp(5, 3));
        return seeds;
    }

    /// <summary>A 24-bit BMP with a gradient.</summary>
    private static byte[] Bmp(int width, int height)
    {
        int rowBytes = (width * 3 + 3) / 4 * 4;
        int size = 54 + rowBytes * height;
        var bytes = new byte[size];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BitConverter.TryWriteBytes(bytes.AsSpan(2), size);
        BitConverter.TryWriteBytes(bytes.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bytes.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bytes.AsSpan(18), width);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), height);
        BitConverter.TryWriteBytes(bytes.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), (short)24);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width * 3; x++) bytes[54 + y * rowBytes + x] = (byte)(x * 17 + y * 40);
        }

        return bytes;
    }
}
