using System.Diagnostics;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Feeds every loader thousands of damaged files made from valid seeds. Each file must either load or end in a
/// <see cref="LumenException"/>; any other exception, or a result larger than the file can honestly describe,
/// is a failure. Seeded, so a failure names a case that can be replayed.
/// </summary>
[Collection(SerialCollection.Name)]
public class LoaderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261126;

    /// <summary>How many bytes of tensors a file of <paramref name="length"/> bytes may produce (deflate's ratio, plus slack).</summary>
    private static long TensorBudget(long length) => 1100 * length + 4096;

    [Fact]
    public void EveryLoaderSurvivesTwentyThousandDamagedFiles()
    {
        var counts = new List<FuzzCount>
        {
            Fuzz("safetensors", FuzzSeeds.Safetensors(), 6000, 1, bytes =>
            {
                using var stream = new MemoryStream(bytes);
                return SafetensorsFile.Read(stream, "fuzz.safetensors").Values.ToList();
            }, TensorBudget),
            FuzzPyTorchZip(3000),
            FuzzPickles(4000),
            Fuzz("npy", FuzzSeeds.Npy(), 5000, 3, bytes =>
            {
                using var stream = new MemoryStream(bytes);
                return [NpyFile.Read(stream, "fuzz.npy")];
            }, TensorBudget),
            Fuzz("idx", FuzzSeeds.Idx(), 3000, 4, bytes =>
            {
                using var stream = new MemoryStream(bytes);
                return [IdxFile.Read(stream, "fuzz-idx3-ubyte")];
            }, TensorBudget),
            FuzzGzippedIdx(2000),
            Fuzz("image", FuzzSeeds.Images(), 5000, 6, bytes => [ImageDecoder.DecodeRgba(bytes, "fuzz.png", ImagePreprocessing.DefaultMaxImageSide)],
                length => 4 * Math.Max(ImageDecoder.BombCheckPixels, length * ImageDecoder.MaxPixelsPerByte)),
        };

        int total = counts.Sum(c => c.Cases);
        var unexpected = counts.SelectMany(c => c.Unexpected).ToList();
        foreach (var count in counts) Report($"fuzz {count.Loader}: {count.Cases} cases, {count.Loaded} loaded, {count.Refused} refused, {count.Unexpected.Count} unexpected");
        Report($"fuzz total: {total} cases, {unexpected.Count} unexpected exceptions");
        foreach (var line in unexpected.Take(20)) Report(line);
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(10)));
        Assert.True(total >= 20_000, $"only {total} cases ran");
        Assert.All(counts, c => Assert.True(c.Loaded > 0 && c.Refused > 0, $"{c.Loader}: the mutations must both keep some files valid and break others"));
    }

    private FuzzCount FuzzPyTorchZip(int cases) =>
        Fuzz("pt (zip bytes)", FuzzSeeds.PyTorch(), cases, 2, bytes =>
        {
            using var stream = new MemoryStream(bytes);
            return PyTorchFile.Read(stream, "fuzz.pt").Values.ToList();
        }, TensorBudget);

    private FuzzCount FuzzPickles(int cases)
    {
        // The pickle itself is mutated and the zip rebuilt around it, so the damage reaches the unpickler.
        var (pickle, others) = FuzzSeeds.SplitPyTorch(FuzzSeeds.PyTorch()[0]);
        return Fuzz("pt (pickle)", [pickle], cases, 5, mutated =>
        {
            using var stream = new MemoryStream(FuzzSeeds.JoinPyTorch(mutated, others));
            return PyTorchFile.Read(stream, "fuzz.pt").Values.ToList();
        }, length => TensorBudget(length + 256));
    }

    private FuzzCount FuzzGzippedIdx(int cases) =>
        // Mutated before compression, so the header damage reaches the reader through valid gzip.
        Fuzz("idx (gzip)", FuzzSeeds.Idx().Take(3).ToList(), cases, 7, mutated =>
        {
            using var stream = new MemoryStream(FuzzSeeds.Gzip(mutated));
            return [IdxFile.Read(stream, "fuzz-idx3-ubyte.gz")];
        }, TensorBudget);

    private static FuzzCount Fuzz(string loader, List<byte[]> seeds, int cases, int seedOffset, Func<byte[], List<Tensor>> load, Func<long, long> budget)
    {
        var mutator = new FileMutator(Seed + seedOffset);
        var count = new FuzzCount(loader, cases);
        for (int i = 0; i < cases; i++)
        {
            var seed = seeds[i % seeds.Count];
            var bytes = mutator.Mutate(seed, out string description);
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var scope = torch.NewDisposeScope();
                var tensors = load(bytes);
                long tensorBytes = tensors.Sum(t => t.numel() * t.ElementSize);
                if (tensorBytes > budget(bytes.Length))
                {
                    count.Unexpected.Add($"{loader} case {i} ({description}): {bytes.Length} bytes produced {tensorBytes} bytes of tensors");
                }

                count.Loaded++;
            }
            catch (LumenException e)
            {
                if (e.Message.Contains('\n')) count.Unexpected.Add($"{loader} case {i} ({description}): a message of several lines: {e.Message}");
                count.Refused++;
            }
            catch (Exception e)
            {
                count.Unexpected.Add($"{loader} case {i} ({description}): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }

            long managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
            if (managed > 64L << 20) count.Unexpected.Add($"{loader} case {i} ({description}): allocated {managed} managed bytes for a {bytes.Length}-byte file");
        }

        return count;
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private sealed class FuzzCount(string loader, int cases)
    {
        public string Loader { get; } = loader;
        public int Cases { get; } = cases;
        public int Loaded { get; set; }
        public int Refused { get; set; }
        public List<string> Unexpected { get; } = [];
    }
}
