using Lumen.Imaging;
using Lumen.Models;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>Each loader refuses a specific hostile or broken file with one clear line, before allocating.</summary>
public class SafeLoaderTests
{
    private static string PtFixture(string name) => Path.Combine(Fixtures.WeightsFolder, name);

    [Fact]
    public void TorchSaveZipLoadsWithSharedAndStridedStorages()
    {
        using var scope = torch.NewDisposeScope();
        using var stream = File.OpenRead(PtFixture("tiny_state_dict.pt"));
        var tensors = PyTorchFile.Read(stream, "tiny_state_dict.pt");
        Assert.Equal(["bn.num_batches_tracked", "fc.bias", "fc.weight", "view.t"], tensors.Keys.Order());
        Assert.Equal(new[] { 0.5f, -1f, 2f, 3.5f, -0.25f, 4f }, tensors["fc.weight"].data<float>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, tensors["fc.weight"].shape);
        Assert.Equal(new[] { 8f, 9f }, tensors["fc.bias"].data<float>().ToArray());
        Assert.Equal(new[] { 1f, 3f, 5f, 2f, 4f, 6f }, tensors["view.t"].contiguous().data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, tensors["bn.num_batches_tracked"].dtype);
        Assert.Empty(tensors["bn.num_batches_tracked"].shape);
        Assert.Equal(7L, tensors["bn.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void PickleThatCallsOsSystemIsRefusedWithoutRunningIt()
    {
        const string marker = "/tmp/lumen-pwned";
        if (File.Exists(marker)) File.Delete(marker);
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist-cnn", PtFixture("malicious.pt")));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.True(error.Message.Contains("asks for the Python global 'posix.system'"), error.Message);
        Assert.True(error.Message.Contains("weights_only=True"), error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void StorageSmallerThanItsTensorViewIsRefused()
    {
        var (pickle, others) = FuzzSeeds.SplitPyTorch(File.ReadAllBytes(PtFixture("tiny_state_dict.pt")));
        // Storage "1" holds 10 floats; cut its entry to 8 and declare 8, so view.t (up to element 6) fits but fc.bias (8..9) does not.
        var shrunk = others.Select(o => o.Name == "archive/data/1" ? (o.Name, o.Bytes[..32]) : o).ToList();
        SetStorageCount(pickle, 8);
        using var stream = new MemoryStream(FuzzSeeds.JoinPyTorch(pickle, shrunk));
        var error = Assert.Throws<LumenException>(() => PyTorchFile.Read(stream, "cut.pt"));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.True(error.Message.Contains("tensor 'fc.bias' of size [2] reaches element 9 of a storage that holds 8"), error.Message);
    }

    [Fact]
    public void StorageCountThatDisagreesWithItsEntryIsRefused()
    {
        var (pickle, others) = FuzzSeeds.SplitPyTorch(File.ReadAllBytes(PtFixture("tiny_state_dict.pt")));
        SetStorageCount(pickle, 200);
        using var stream = new MemoryStream(FuzzSeeds.JoinPyTorch(pickle, others));
        var error = Assert.Throws<LumenException>(() => PyTorchFile.Read(stream, "big.pt"));
        Assert.True(error.Message.Contains("storage '1' needs 800 bytes (200 x Float32) but its zip entry holds 40"), error.Message);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlaps the tensor before it")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "has a hole at bytes 0..4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes, but its data_offsets span 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8000000000]}}", 8, "spans bytes 0..8000000000 but the data region holds 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "more elements than can be addressed")]
    [InlineData("{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "has dtype 'C64', which Lumen does not read")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "not a non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "appears twice")]
    [InlineData("[1, 2]", 0, "is a JSON Array, not an object")]
    [InlineData("{\"a\": ", 0, "is not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6, "cover 4 bytes but the data region holds 6")]
    public void SafetensorsHeaderProblemsAreNamed(string header, int dataBytes, string expected)
    {
        using var stream = new MemoryStream(FuzzSeeds.Handmade(header, dataBytes));
        var error = Assert.Throws<LumenException>(() => SafetensorsFile.Read(stream, "bad.safetensors"));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.True(error.Message.Contains(expected), error.Message);
        Assert.StartsWith("weights file bad.safetensors is not a valid safetensors file: ", error.Message);
    }

    [Fact]
    public void SafetensorsHeaderLongerThanTheFileIsRefused()
    {
        var bytes = FuzzSeeds.Handmade("{}", 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), long.MaxValue);
        using var stream = new MemoryStream(bytes);
        var error = Assert.Throws<LumenException>(() => SafetensorsFile.Read(stream, "huge.safetensors"));
        Assert.True(error.Message.Contains("its header claims 9223372036854775807 bytes but only 2 follow"), error.Message);
    }

    [Fact]
    public void SafetensorsReaderMatchesTheReferenceWeights()
    {
        using var scope = torch.NewDisposeScope();
        using var stream = File.OpenRead(Fixtures.FmnistWeights);
        var mine = SafetensorsFile.Read(stream, "fmnist_cnn.safetensors");
        var theirs = TorchSharp.PyBridge.Safetensors.LoadStateDict(Fixtures.FmnistWeights);
        Assert.Equal(theirs.Keys.Order(), mine.Keys.Order());
        foreach (var (key, tensor) in theirs) Assert.True(tensor.allclose(mine[key], 0, 0), key);
    }

    [Fact]
    public void ImageClaimingHugeSizeInFewBytesIsRefusedBeforeDecoding()
    {
        // A valid 1-pixel PNG whose IHDR is edited to claim 16000 x 16000 (256 megapixels) in about 70 bytes.
        using var bitmap = new SKBitmap(1, 1);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var png = data.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 16000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 16000);
        FixIhdrCrc(png);
        var error = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(png, "bomb.png", ImagePreprocessing.DefaultMaxImageSide));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.True(error.Message.Contains("declares 16000x16000 pixels in only"), error.Message);
        Assert.True(error.Message.Contains("decompression bomb"), error.Message);

        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 20000);
        FixIhdrCrc(png);
        error = Assert.Throws<LumenException>(() => ImageDecoder.DecodeRgba(png, "wide.png", ImagePreprocessing.DefaultMaxImageSide));
        Assert.True(error.Message.Contains("is 20000x16000 pixels, above the limit of 16384 per side"), error.Message);
    }

    [Fact]
    public void NpyShapeLargerThanTheDataIsRefused()
    {
        using var folder = new TempDirectory();
        using (var t = torch.zeros(2, 2)) NpyFile.Write(folder.File("a.npy"), t);
        var bytes = File.ReadAllBytes(folder.File("a.npy"));
        var text = System.Text.Encoding.Latin1.GetString(bytes).Replace("(2, 2)", "(9, 9)");
        using var stream = new MemoryStream(System.Text.Encoding.Latin1.GetBytes(text));
        var error = Assert.Throws<LumenException>(() => NpyFile.Read(stream, "a.npy"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.True(error.Message.Contains("shape (9, 9) of <f4 needs 324 data bytes but the file holds 16"), error.Message);
    }

    [Fact]
    public void IdxDimensionsLargerThanTheDataAreRefused()
    {
        byte[] idx = [0, 0, 0x08, 2, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        using var stream = new MemoryStream(idx);
        var error = Assert.Throws<LumenException>(() => IdxFile.Read(stream, "x-idx2-ubyte"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.True(error.Message.Contains("need 4611686014132420621 bytes but the file has 15"), error.Message);

        using var gz = new MemoryStream(FuzzSeeds.Gzip(idx));
        error = Assert.Throws<LumenException>(() => IdxFile.Read(gz, "x-idx2-ubyte.gz"));
        Assert.True(error.Message.Contains("more than"), error.Message);
    }

    internal static void FixIhdrCrc(byte[] png)
    {
        // The IHDR chunk: length at 8, type at 12, 13 data bytes at 16, CRC over type + data at 29.
        uint crc = Crc32(png.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
    }

    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }

        return crc ^ 0xFFFFFFFF;
    }

    /// <summary>Rewrites the count of storage "1" (10 floats) in every ('storage', ..., 10) tuple, which BININT1 10 closes.</summary>
    private static void SetStorageCount(byte[] pickle, byte count)
    {
        int found = 0;
        for (int at = IndexOf(pickle, [(byte)'K', 10, (byte)'t']); at >= 0; at = IndexOf(pickle, [(byte)'K', 10, (byte)'t']))
        {
            pickle[at + 1] = count;
            found++;
        }

        Assert.Equal(2, found);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }

        return -1;
    }
}
