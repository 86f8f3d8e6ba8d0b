using System.Text;
using Lumen.Imaging;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Imaging;

public class NpyFileTests
{
    [Fact]
    public void ReadsFloat32InputsWrittenByNumPy()
    {
        using var x = NpyFile.Read(Fixtures.FmnistInputs);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, x.shape);
        Assert.True(x.min().item<float>() >= 0f);
        Assert.True(x.max().item<float>() <= 1f);
        Assert.True(x.max().item<float>() > 0.5f, "real images have bright pixels");
    }

    [Fact]
    public void ReadsInt64FeatureMaskWrittenByNumPy()
    {
        using var mask = NpyFile.Read(Fixtures.FeatureMask);
        Assert.Equal(ScalarType.Int64, mask.dtype);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, mask.shape);
        using var unique = mask.unique().Item1;
        Assert.Equal(16, unique.numel());
        Assert.Equal(0L, mask[0, 0, 0, 0].item<long>());
        Assert.Equal(15L, mask[0, 0, 27, 27].item<long>());
    }

    public static TheoryData<ScalarType> WritableTypes => new()
    {
        ScalarType.Float32, ScalarType.Float64, ScalarType.Byte, ScalarType.Int64, ScalarType.Int32, ScalarType.Bool,
        ScalarType.Float16, ScalarType.Int8, ScalarType.Int16,
    };

    [Theory]
    [MemberData(nameof(WritableTypes))]
    public void RoundTripsEachDtype(ScalarType dtype)
    {
        using var folder = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var original = (torch.arange(0, 24, ScalarType.Float64).reshape(2, 3, 4) * 0.75).to_type(dtype);
        var path = folder.File("a.npy");
        NpyFile.Write(path, original);
        var back = NpyFile.Read(path);
        Assert.Equal(dtype, back.dtype);
        Assert.Equal(original.shape, back.shape);
        Assert.True(original.eq(back).all().item<bool>());
        Assert.Equal(0, (new FileInfo(path).Length - 24 * back.element_size()) % 64);
    }

    [Fact]
    public void WritesNonContiguousAndGradientTrackingTensorsInCOrder()
    {
        using var folder = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var matrix = torch.arange(0, 6, ScalarType.Float32).reshape(2, 3);
        var transposed = matrix.t();
        NpyFile.Write(folder.File("t.npy"), transposed);
        var back = NpyFile.Read(folder.File("t.npy"));
        Assert.Equal(new long[] { 3, 2 }, back.shape);
        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, back.data<float>().ToArray());

        var tracked = torch.ones(2, 2, requires_grad: true);
        NpyFile.Write(folder.File("g.npy"), tracked);
        Assert.Equal(4f, NpyFile.Read(folder.File("g.npy")).sum().item<float>());
    }

    [Fact]
    public void RoundTripsZeroDimensionalAndEmptyArrays()
    {
        using var folder = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var scalar = torch.tensor(3.5f);
        NpyFile.Write(folder.File("s.npy"), scalar);
        var scalarBack = NpyFile.Read(folder.File("s.npy"));
        Assert.Empty(scalarBack.shape);
        Assert.Equal(3.5f, scalarBack.item<float>());

        var empty = torch.zeros(0, 5, dtype: ScalarType.Int32);
        NpyFile.Write(folder.File("e.npy"), empty);
        var emptyBack = NpyFile.Read(folder.File("e.npy"));
        Assert.Equal(new long[] { 0, 5 }, emptyBack.shape);
        Assert.Equal(ScalarType.Int32, emptyBack.dtype);

        var vector = torch.tensor(new[] { 1L, 2L, 3L });
        NpyFile.Write(folder.File("v.npy"), vector);
        Assert.Contains("'shape': (3,)", File.ReadAllText(folder.File("v.npy"), Encoding.Latin1));
    }

    [Fact]
    public void WritesTheHeaderNumPyWrites()
    {
        using var folder = new TempDirectory();
        using var x = torch.zeros(4, 1, 28, 28);
        NpyFile.Write(folder.File("x.npy"), x);
        var written = File.ReadAllBytes(folder.File("x.npy"));
        var numpy = File.ReadAllBytes(Fixtures.FmnistInputs);
        Assert.Equal(numpy.AsSpan(0, 128).ToArray(), written.AsSpan(0, 128).ToArray());
        Assert.Equal(numpy.Length, written.Length);
    }

    [Fact]
    public void WriteLeavesNoTemporaryFilesAndReplacesExisting()
    {
        using var folder = new TempDirectory();
        using var a = torch.ones(3);
        using var b = torch.zeros(5);
        NpyFile.Write(folder.File("x.npy"), a);
        NpyFile.Write(folder.File("x.npy"), b);
        Assert.Single(Directory.GetFiles(folder.Path));
        using var back = NpyFile.Read(folder.File("x.npy"));
        Assert.Equal(new long[] { 5 }, back.shape);
    }

    [Fact]
    public void ReadsVersion2And3Headers()
    {
        using var folder = new TempDirectory();
        foreach (var major in new byte[] { 2, 3 })
        {
            var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }".PadRight(52) + "\n";
            var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
            bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
            bytes.AddRange(Encoding.ASCII.GetBytes(header));
            bytes.AddRange(BitConverter.GetBytes(7));
            bytes.AddRange(BitConverter.GetBytes(-9));
            var path = folder.File($"v{major}.npy");
            File.WriteAllBytes(path, [.. bytes]);
            using var t = NpyFile.Read(path);
            Assert.Equal(new[] { 7, -9 }, t.data<int>().ToArray());
        }
    }

    [Fact]
    public void ReadsBigEndianData()
    {
        using var folder = new TempDirectory();
        var header = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }".PadRight(117) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        var data = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(data, 1.25);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -3e10);
        bytes.AddRange(data);
        File.WriteAllBytes(folder.File("be.npy"), [.. bytes]);
        using var t = NpyFile.Read(folder.File("be.npy"));
        Assert.Equal(new[] { 1.25, -3e10 }, t.data<double>().ToArray());
    }

    [Fact]
    public void WritingOverAFolderIsAUsageErrorAndLeavesNoTemporaryFile()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("taken.npy"));
        using var x = torch.ones(2);
        var e = Assert.Throws<LumenException>(() => NpyFile.Write(folder.File("taken.npy"), x));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void TruncatedFileIsAnInputError()
    {
        using var folder = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixtures.FmnistInputs);
        var path = folder.File("cut.npy");
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<LumenException>(() => NpyFile.Read(path));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("cut.npy", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("bad-magic", "magic")]
    [InlineData("fortran", "fortran_order")]
    [InlineData("dtype", "'<c8'")]
    [InlineData("bad-dict", "dict")]
    [InlineData("missing-key", "exactly the keys")]
    [InlineData("short", "shorter")]
    [InlineData("header-too-long", "header claims")]
    public void MalformedFilesAreInputErrorsNamingTheProblem(string kind, string expected)
    {
        using var folder = new TempDirectory();
        var path = folder.File(kind + ".npy");
        File.WriteAllBytes(path, kind switch
        {
            "bad-magic" => MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4, magic: "\x93NUMPX"),
            "fortran" => MakeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4),
            "dtype" => MakeNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8),
            "bad-dict" => MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", 4),
            "missing-key" => MakeNpy("{'descr': '<f4', 'shape': (1,), }", 4),
            "short" => [0x93, 0x4E, 0x55],
            "header-too-long" => [.. MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4).Take(20)],
            _ => throw new ArgumentException(kind),
        });
        var e = Assert.Throws<LumenException>(() => NpyFile.Read(path));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingFileIsAnInputError()
    {
        var e = Assert.Throws<LumenException>(() => NpyFile.Read("/nonexistent/x.npy"));
        Assert.Equal(ErrorKind.InputData, e.Kind);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void UnsupportedWriteDtypeIsAUsageError()
    {
        using var folder = new TempDirectory();
        using var complex = torch.zeros(2, dtype: ScalarType.ComplexFloat32);
        var e = Assert.Throws<LumenException>(() => NpyFile.Write(folder.File("h.npy"), complex));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static byte[] MakeNpy(string dict, int dataBytes, string magic = "\x93NUMPY")
    {
        var header = dict.PadRight(118) + "\n";
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(magic)) { 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        return [.. bytes];
    }
}
