using System.Text.Json;
using Lumen.Data;
using Lumen.Imaging;
using Lumen.Shortcuts;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Cli;

public class SprayCommandTests
{
    /// <summary>30 test shirts, every other one with the watermark, as an unlabelled .npy dataset.</summary>
    internal static string WriteShirts(TempDirectory folder)
    {
        using var scope = torch.NewDisposeScope();
        using var test = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        var shirts = test.Labels!.Select((label, index) => (label, index)).Where(p => p.label == 6).Take(30).Select(p => (long)p.index).ToArray();
        var pixels = test.LoadPixels(0, 1000).index_select(0, torch.tensor(shirts));
        var stamped = Watermark.TopLeft.Stamp(pixels, Enumerable.Range(0, 30).Select(i => i % 2 == 0).ToArray());
        string path = folder.File("shirts.npy");
        NpyFile.Write(path, stamped);
        return path;
    }

    [Fact]
    public void WritesTheClusterOfEveryImageAndThePrototypes()
    {
        using var folder = new TempDirectory();
        string data = WriteShirts(folder);
        string output = folder.File("out");
        var result = CliRunner.Run("spray", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", data, "--class", "6",
            "--neighbours", "5", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "clusters.json")));
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("class").GetInt32());
        Assert.Equal("lrp", root.GetProperty("method").GetString());
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), root.GetProperty("images").EnumerateArray().Select(e => e.GetInt64()));
        var clusters = root.GetProperty("clusters").EnumerateArray().Select(e => e.GetInt32()).ToList();
        int count = root.GetProperty("clusterCount").GetInt32();
        Assert.InRange(count, 2, 8);
        Assert.All(clusters, c => Assert.InRange(c, 0, count - 1));
        var sizes = root.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(c => clusters.Count(l => l == c)), sizes);
        Assert.True(root.GetProperty("eigenvalues")[0].GetDouble() < 1e-9);
        var montage = RgbImage.Load(Path.Combine(output, "prototypes.png"));
        Assert.True(montage.Width >= 112);
    }

    [Fact]
    public void ThreeShardsMergedClusterExactlyAsOneRun()
    {
        using var folder = new TempDirectory();
        string data = WriteShirts(folder);
        CliRunner.Result Spray(string output, params string[] extra) => CliRunner.Run(["spray", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights,
            "--data", data, "--class", "6", "--neighbours", "5", "--batch-size", "10", "--out", output, .. extra]);

        var whole = Spray(folder.File("whole"));
        Assert.True(whole.ExitCode == 0, whole.Error);
        var manifests = new List<string>();
        for (int shard = 0; shard < 3; shard++)
        {
            var part = Spray(folder.File("shards"), "--shard", $"{shard}/3");
            Assert.True(part.ExitCode == 0, part.Error);
            manifests.Add(folder.File($"shards/spray.shard-{shard}-of-3.json"));
        }

        Assert.False(File.Exists(folder.File("shards/clusters.json")));
        manifests.Reverse();
        var merged = CliRunner.Run(["merge", "--out", folder.File("merged"), .. manifests]);
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.Equal(whole.Output, merged.Output.Replace(folder.File("merged"), folder.File("whole"), StringComparison.Ordinal));
        foreach (string name in new[] { "clusters.json", "prototypes.png" })
        {
            Assert.Equal(File.ReadAllBytes(folder.File($"whole/{name}")), File.ReadAllBytes(folder.File($"merged/{name}")));
        }

        var incomplete = CliRunner.Run(["merge", "--out", folder.File("incomplete"), .. manifests.Take(2)]);
        Assert.Equal(3, incomplete.ExitCode);
        Assert.Contains("missing", incomplete.Error);
        Assert.False(Directory.Exists(folder.File("incomplete")));
        var limited = Spray(folder.File("limited"), "--shard", "0/3", "--limit", "5");
        Assert.Equal(2, limited.ExitCode);
        Assert.False(Directory.Exists(folder.File("limited")));
    }
}
