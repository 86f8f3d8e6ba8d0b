using System.Buffers.Binary;
using System.IO.Compression;
using Lumen.Imaging;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Imaging;

public class IdxFileTests
{
    private static byte[] MakeIdx(byte type, int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (var d in dims)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, d);
            bytes.AddRange(b);
        }

        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }

        return memory.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsUint8ImagesPlainAndGzipped(bool gzipped)
    {
        using var folder = new TempDirectory();
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var file = MakeIdx(0x08, [2, 3, 4], pixels);
        // The name says nothing about compression: detection is by the gzip magic bytes.
        var path = folder.File("images-idx3-ubyte");
        File.WriteAllBytes(path, gzipped ? Gzip(file) : file);

        using var t = IdxFile.Read(path);
        Assert.Equal(ScalarType.Byte, t.dtype);
        Assert.Equal(new long[] { 2, 3, 4 }, t.shape);
        Assert.Equal(pixels, t.data<byte>().ToArray());
        Assert.Equal(230, t[1, 2, 3].item<byte>());
    }

    [Fact]
    public void ReadsBigEndianMultiByteTypes()
    {
        using var folder = new TempDirectory();
        var ints = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ints, 123456);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), -7);
        File.WriteAllBytes(folder.File("i.idx"), MakeIdx(0x0C, [2], ints));
        using var i32 = IdxFile.Read(folder.File("i.idx"));
        Assert.Equal(new[] { 123456, -7 }, i32.data<int>().ToArray());

        var floats = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        File.WriteAllBytes(folder.File("f.idx"), Gzip(MakeIdx(0x0D, [1, 1], floats)));
        using var f32 = IdxFile.Read(folder.File("f.idx"));
        Assert.Equal(ScalarType.Float32, f32.dtype);
        Assert.Equal(1.5f, f32[0, 0].item<float>());

        var doubles = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, -2.25);
        File.WriteAllBytes(folder.File("d.idx"), MakeIdx(0x0E, [1], doubles));
        using var f64 = IdxFile.Read(folder.File("d.idx"));
        Assert.Equal(-2.25, f64[0].item<double>());

        var shorts = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(shorts, -300);
        BinaryPrimitives.WriteInt16BigEndian(shorts.AsSpan(2), 300);
        File.WriteAllBytes(folder.File("s.idx"), MakeIdx(0x0B, [2], shorts));
        using var i16 = IdxFile.Read(folder.File("s.idx"));
        Assert.Equal(new short[] { -300, 300 }, i16.data<short>().ToArray());

        File.WriteAllBytes(folder.File("b.idx"), MakeIdx(0x09, [2], [0xFF, 0x05]));
        using var i8 = IdxFile.Read(folder.File("b.idx"));
        Assert.Equal(new sbyte[] { -1, 5 }, i8.data<sbyte>().ToArray());
    }

    [Theory]
    [InlineData("truncated", false, "need")]
    [InlineData("truncated", true, "gzip data holds")]
    [InlineData("extra", false, "need")]
    [InlineData("magic", false, "two zero bytes")]
    [InlineData("type", false, "type byte 0x07")]
    [InlineData("dims", false, "dimensions")]
    public void MalformedFilesAreInputErrors(string kind, bool gzipped, string expected)
    {
        using var folder = new TempDirectory();
        var good = MakeIdx(0x08, [2, 2], [1, 2, 3, 4]);
        byte[] file = kind switch
        {
            "truncated" => good[..^1],
            "extra" => [.. good, 9],
            "magic" => [1, .. good[1..]],
            "type" => [0, 0, 7, .. good[3..]],
            "dims" => good[..6],
            _ => throw new ArgumentException(kind),
        };
        var path = folder.File(kind + ".idx");
        File.WriteAllBytes(path, gzipped ? Gzip(file) : file);
        var e = Assert.Throws<LumenException>(() => IdxFile.Read(path));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains(kind + ".idx", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void GzipHeaderClaimingMoreThanDeflateCanHoldIsRejectedBeforeAllocating()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("bomb.gz"), Gzip(MakeIdx(0x0E, [1_000_000, 1_000_000], new byte[16])));
        var e = Assert.Throws<LumenException>(() => IdxFile.Read(folder.File("bomb.gz")));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("compressed bytes", e.Message);
    }

    [Fact]
    public void CorruptGzipIsAnInputError()
    {
        using var folder = new TempDirectory();
        var gz = Gzip(MakeIdx(0x08, [100], new byte[100]));
        gz[12] ^= 0xFF;
        gz[13] ^= 0xFF;
        File.WriteAllBytes(folder.File("bad.gz"), gz);
        var e = Assert.Throws<LumenException>(() => IdxFile.Read(folder.File("bad.gz")));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("bad.gz", e.Message);
    }

    [Fact]
    public void MissingFileIsAnInputError()
    {
        var e = Assert.Throws<LumenException>(() => IdxFile.Read("/nonexistent/t10k-images-idx3-ubyte.gz"));
        Assert.Equal(ErrorKind.InputData, e.Kind);
    }

    [Fact]
    public void ReadsRealFashionMnistWhenInstalled()
    {
        const string path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        if (!File.Exists(path))
        {
            return; // The Debian package dataset-fashion-mnist is optional.
        }

        using var images = IdxFile.Read(path);
        Assert.Equal(new long[] { 10000, 28, 28 }, images.shape);
        Assert.Equal(ScalarType.Byte, images.dtype);
    }
}
