using System.IO.Pipes;
using Lumen.Imaging;
using Lumen.IO;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Hostile .npy inputs are refused from their header before anything is allocated, with a short message: huge or
/// overflowing shapes, shapes of absurd rank, arrays above the memory limit, streams that cannot be measured, and
/// inputs holding NaN or infinity (the input's fault, not the model's).
/// </summary>
public class NpyInputTests
{
    [Fact]
    public void ShapeOfSixtyThousandDimensionsGivesAShortMessage()
    {
        using var folder = new TempDirectory();
        string path = folder.File("rank.npy");
        File.WriteAllBytes(path, HostileInputs.Npy("<f4", Enumerable.Repeat(1L, 60_000), new byte[4]));

        var error = Assert.Throws<LumenException>(() => NpyFile.Read(path));

        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("(1, 1, 1, 1, 1, 1, 1, 1, ... (60000 dims))", error.Message);
        Assert.Contains("more than the 64 dimensions NumPy allows", error.Message);
        Assert.True(error.Message.Length < 400, $"{error.Message.Length} characters");
    }

    [Theory]
    [InlineData(new long[] { 1L << 40, 1, 28, 28 }, "needs 3448068464705536 data bytes but the file holds 16")]
    [InlineData(new long[] { 1L << 62, 1L << 62 }, "more elements than can be addressed")]
    [InlineData(new long[] { 0, 1L << 62, 1L << 62 }, "needs 0 data bytes but the file holds 16")]
    public void HugeDeclaredShapeIsRefusedBeforeAllocating(long[] shape, string words)
    {
        using var stream = new MemoryStream(HostileInputs.Npy("<f4", shape, new byte[16]));
        var error = Assert.Throws<LumenException>(() => NpyFile.Read(stream, "huge.npy"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void SparseFileAsLongAsItsHeaderClaimsIsRefusedByTheMemoryLimit()
    {
        using var folder = new TempDirectory();
        string path = folder.File("sparse.npy");
        long images = 200_000; // 200,000 x 1 x 28 x 28 float32: 627 MB, stored as a hole in the file system
        var header = HostileInputs.Npy("<f4", [images, 1, 28, 28], []);
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.Write(header);
            file.SetLength(header.Length + images * 784 * 4);
        }

        var error = Assert.Throws<LumenException>(() => NpyFile.Read(path, InputLimits.DefaultMaxInputBytes));

        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("shape (200000, 1, 28, 28) of <f4, 598 MiB of data, above the input memory limit of 512 MiB", error.Message);
        Assert.Contains(InputLimits.Variable, error.Message);
    }

    [Fact]
    public void ArrayAboveAGivenLimitIsRefused()
    {
        using var folder = new TempDirectory();
        string path = folder.File("a.npy");
        using (var tensor = torch.zeros(2, 1, 28, 28)) NpyFile.Write(path, tensor);
        var error = Assert.Throws<LumenException>(() => NpyFile.Read(path, maxBytes: 6000));
        Assert.Contains("6272 bytes of data, above the input memory limit of 6000 bytes", error.Message);
        using var read = NpyFile.Read(path, maxBytes: 6272);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, read.shape);
    }

    [Fact]
    public void StreamThatCannotSeekIsRefusedWithAMessage()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        var error = Assert.Throws<LumenException>(() => NpyFile.Read(server, "/dev/fd/63"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("write the array to a file first", error.Message);
    }

    [Theory]
    [InlineData(null, InputLimits.DefaultMaxInputBytes)]
    [InlineData("", InputLimits.DefaultMaxInputBytes)]
    [InlineData("2048", 2048L << 20)]
    public void TheLimitComesFromTheEnvironment(string? value, long expected) => Assert.Equal(expected, InputLimits.Parse(value));

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("0")]
    public void AWrongLimitIsAUsageError(string value)
    {
        var error = Assert.Throws<LumenException>(() => InputLimits.Parse(value));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("is not a positive whole number of MiB", error.Message);
    }

    [Theory]
    [InlineData(float.NaN, "holds NaN at element [1, 0, 3, 5]")]
    [InlineData(float.PositiveInfinity, "holds +infinity at element [1, 0, 3, 5]")]
    public void NonFiniteInputIsTheInputsFaultAndStopsBeforeTheModel(float bad, string words)
    {
        using var folder = new TempDirectory();
        string path = folder.File("bad.npy");
        using (var tensor = torch.full(2, 1, 28, 28, 0.5f))
        {
            tensor[1, 0, 3, 5] = torch.tensor(bad);
            tensor[1, 0, 20, 0] = torch.tensor(float.NaN);
            NpyFile.Write(path, tensor);
        }

        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", path, "--method", "saliency", "--out", output);

        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains($"NumPy file '{path}' {words} (2 of its 1568 values are NaN or infinite)", line);
        Assert.DoesNotContain("weights", line);
        Assert.False(Directory.Exists(output), "nothing may be written");
    }

    [Fact]
    public void NonFiniteBaselineIsRefusedAsInputData()
    {
        using var folder = new TempDirectory();
        string path = folder.File("baseline.npy");
        using (var tensor = torch.zeros(1, 28, 28)) { tensor[0, 0, 1] = torch.tensor(float.NegativeInfinity); NpyFile.Write(path, tensor); }
        var error = Assert.Throws<LumenException>(() => Lumen.Attributions.Gradients.Baseline.Parse(path));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("holds -infinity at element [0, 0, 1]", error.Message);
    }

    [Fact]
    public void AnOverlongMessageKeepsItsBeginningAndItsFix()
    {
        var error = LumenException.InputData("start " + new string('x', 100_000) + " fix it like this");
        Assert.True(error.Message.Length <= LumenException.MaxMessageLength, $"{error.Message.Length} characters");
        Assert.StartsWith("start xxx", error.Message);
        Assert.EndsWith("fix it like this", error.Message);
    }
}
