using System.IO.Compression;
using Lumen.Models;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Weights pickles that would exhaust memory or run for hours are refused quickly by the unpickler's budgets
/// (<see cref="PickleLimits"/>), and tensor views that would materialise far more elements than their storages hold
/// are refused before anything is copied.
/// </summary>
public class PickleBudgetTests
{
    private static LumenException Refused(byte[] file, string name = "hostile.pt")
    {
        using var stream = new MemoryStream(file);
        var error = Assert.Throws<LumenException>(() => PyTorchFile.Read(stream, name));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains(name, error.Message);
        return error;
    }

    [Fact]
    public void FloodOfEmptyDictsStopsAtTheValueLimit()
    {
        // 61 KB of deflated '}' once grew the process to 5.9 GB; past the limit the reader stops.
        var pickle = new HostilePickles().Repeat((int)PickleLimits.MaxValues + 10, (byte)'}').Stop().Bytes;
        var error = Refused(HostilePickles.Zip(pickle, deflate: true));
        Assert.Contains("values (the limit PickleLimits.MaxValues)", error.Message);
        Assert.Contains("state_dict", error.Message);
    }

    [Fact]
    public void OrderedDictCalledOverAndOverOnOneBigListIsRefusedByItsCost()
    {
        // A list of 100,000 (0, 0) pairs, kept in the memo, handed to OrderedDict 100,000 times: 10^10 steps unbounded.
        var p = new HostilePickles().Op((byte)'K', 0, (byte)'K', 0, 0x86).Put(0).Op((byte)'0');
        p.Op((byte)']', (byte)'(').Repeat(100_000, (byte)'h', 0).Op((byte)'e').Put(1).Op((byte)'0');
        p.Global("collections", "OrderedDict").Put(2).Op((byte)'0');
        p.Repeat(100_000, (byte)'h', 2, (byte)'h', 1, 0x85, (byte)'R', (byte)'0');
        var error = Refused(HostilePickles.Zip(p.Op((byte)'}').Stop().Bytes, deflate: true));
        Assert.Matches("limit PickleLimits.Max(Work|Items)", error.Message);
    }

    [Fact]
    public void RereadingTheMemoWithoutBuildingAnythingIsRefusedByTheWorkLimit()
    {
        // MARK, 500,000 references to one memo entry, POP_MARK: no new values and no items, only work, over and over.
        var p = new HostilePickles().Op((byte)'N').Put(0).Op((byte)'0');
        for (long work = 0; work <= PickleLimits.MaxWork; work += 1_000_000) p.Op((byte)'(').Repeat(500_000, (byte)'h', 0).Op((byte)'1');
        var error = Refused(HostilePickles.Zip(p.Op((byte)'}').Stop().Bytes, deflate: true));
        Assert.Contains("steps (the limit PickleLimits.MaxWork", error.Message);
    }

    [Fact]
    public void MemoFloodStopsAtTheMemoLimit()
    {
        var pickle = new HostilePickles().Op((byte)'N').Repeat(PickleLimits.MaxMemo + 10, 0x94).Stop().Bytes;
        var error = Refused(HostilePickles.Zip(pickle, deflate: true));
        Assert.Contains("memo entries (the limit PickleLimits.MaxMemo)", error.Message);
    }

    [Fact]
    public void StackFloodOfReferencesStopsAtTheStackLimit()
    {
        var pickle = new HostilePickles().Op((byte)'N').Repeat(PickleLimits.MaxStack + 10, (byte)'2').Stop().Bytes;
        var error = Refused(HostilePickles.Zip(pickle, deflate: true));
        Assert.Contains("entries (the limit PickleLimits.MaxStack)", error.Message);
    }

    [Fact]
    public void BroadcastViewOfOneFloatIsNotMaterialised()
    {
        // 688 bytes once allocated 1.6 GB: a [20000, 20000] view with strides 0 of a one-float storage.
        var pickle = new HostilePickles().EmptyOrderedDict().Tensor("fc.weight", 1, [20000, 20000], [0, 0]).Stop().Bytes;
        var error = Refused(HostilePickles.Zip(pickle, deflate: false, ("0", new byte[4])));
        Assert.Contains("tensor 'fc.weight' of size [20000, 20000] repeats its storage's elements", error.Message);
        Assert.Contains("PickleLimits.MaxRepeatedElements", error.Message);
    }

    [Fact]
    public void OverlappingRowsBeyondTheLimitAreRefusedAndASmallExpandedBufferLoads()
    {
        // Stride 1 on both axes: rows overlap, every element is within the 8,400-float storage.
        var big = new HostilePickles().EmptyOrderedDict().Tensor("t", 8400, [4200, 4200], [1, 1]).Stop().Bytes;
        Assert.Contains("MaxRepeatedElements", Refused(HostilePickles.Zip(big, false, ("0", new byte[8400 * 4]))).Message);

        var small = new HostilePickles().EmptyOrderedDict().Tensor("t", 3, [4, 3], [0, 1]).Stop().Bytes;
        using var stream = new MemoryStream(HostilePickles.Zip(small, false, ("0", new byte[12])));
        var tensors = PyTorchFile.Read(stream, "expanded.pt");
        Assert.Equal(new long[] { 4, 3 }, tensors["t"].shape);
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

    [Fact]
    public void DeflatedStoragesThatInflateBeyondTheLimitAreRefused()
    {
        var pickle = new HostilePickles().EmptyOrderedDict().Tensor("w", (int)((PyTorchFile.MaxInflatedBytes + (2 << 20)) / 4), [1], [1]).Stop().Bytes;
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var stream = archive.CreateEntry("archive/data.pkl").Open()) stream.Write(pickle);
            using var data = archive.CreateEntry("archive/data/0", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (long i = 0; i < (PyTorchFile.MaxInflatedBytes >> 20) + 2; i++) data.Write(zeros);
        }

        var error = Refused(memory.ToArray());
        Assert.Contains("PyTorchFile.MaxInflatedBytes", error.Message);
    }
}
