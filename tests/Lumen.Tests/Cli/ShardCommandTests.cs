using Xunit;

namespace Lumen.Tests.Cli;

/// <summary><c>top-k --shard I/N</c> and <c>lumen merge</c>: four shards merged equal one unsharded run.</summary>
public class ShardCommandTests
{
    private static CliRunner.Result TopK(string data, string output, params string[] extra) =>
        CliRunner.Run(["top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", data, "--split", "test",
            "--class", "all", "--k", "5", "--batch-size", "50", "--out", output, .. extra]);

    [Fact]
    public void FourShardsMergedEqualOneUnshardedRun()
    {
        using var folder = new TempDirectory();
        string data = folder.File("data");
        Directory.CreateDirectory(data);
        TinyFashionMnist.Write(data, 10, 400);

        var whole = TopK(data, folder.File("whole"));
        Assert.True(whole.ExitCode == 0, whole.Error);
        var shardFiles = new List<string>();
        for (int shard = 0; shard < 4; shard++)
        {
            var part = TopK(data, folder.File("shards"), "--shard", $"{shard}/4");
            Assert.True(part.ExitCode == 0, part.Error);
            shardFiles.Add(folder.File($"shards/topk.shard-{shard}-of-4.json"));
        }
        Assert.False(File.Exists(folder.File("shards/topk.json")));

        shardFiles.Reverse(); // the order of the files does not matter
        var merged = CliRunner.Run(["merge", "--out", folder.File("merged"), .. shardFiles]);
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.Equal(whole.Output, merged.Output.Replace(folder.File("merged"), folder.File("whole"), StringComparison.Ordinal));
        foreach (string name in new[] { "topk.json", "topk.csv", "topk.png" })
        {
            Assert.Equal(File.ReadAllBytes(folder.File($"whole/{name}")), File.ReadAllBytes(folder.File($"merged/{name}")));
        }

        var incomplete = CliRunner.Run(["merge", "--out", folder.File("incomplete"), .. shardFiles.Take(3)]);
        Assert.Equal(3, incomplete.ExitCode);
        Assert.Contains("shard(s) 0/4 missing", incomplete.Error);
        Assert.False(Directory.Exists(folder.File("incomplete")));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1")]
    [InlineData("-1/4")]
    public void AShardOutsideItsCountIsAUsageError(string shard)
    {
        using var folder = new TempDirectory();
        var result = TopK("fashion-mnist", folder.File("out"), "--shard", shard);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("expected I/N", result.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void MergeRefusesAFileThatIsNotAShard()
    {
        using var folder = new TempDirectory();
        string bogus = folder.File("bogus.json");
        File.WriteAllText(bogus, "{\"kind\": \"something else\"}");
        var result = CliRunner.Run("merge", "--out", folder.File("out"), bogus);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("is not a shard file", result.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void FourFeatureShardsMergeIntoTheFeaturesOfOneRun()
    {
        using var folder = new TempDirectory();
        string data = folder.File("data");
        Directory.CreateDirectory(data);
        TinyFashionMnist.Write(data, 10, 100);
        CliRunner.Result Extract(string shard, string output) => CliRunner.Run("embed", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights,
            "--data", data, "--split", "test", "--layer", "conv3", "--pool", "mean", "--batch-size", "25", "--shard", shard, "--out", output);

        var whole = Extract("0/1", folder.File("whole"));
        Assert.True(whole.ExitCode == 0, whole.Error);
        var manifests = new List<string>();
        for (int shard = 0; shard < 4; shard++)
        {
            var part = Extract($"{shard}/4", folder.File("shards"));
            Assert.True(part.ExitCode == 0, part.Error);
            manifests.Add(folder.File($"shards/features.shard-{shard}-of-4.json"));
        }
        Assert.False(File.Exists(folder.File("shards/embedding.npy")));

        var merged = CliRunner.Run(["merge", "--out", folder.File("merged"), .. manifests]);
        Assert.True(merged.ExitCode == 0, merged.Error);
        using var expected = Lumen.Imaging.NpyFile.Read(folder.File("whole/features.shard-0-of-1.npy"));
        using var actual = Lumen.Imaging.NpyFile.Read(folder.File("merged/features.npy"));
        Assert.Equal(new long[] { 100, 64 }, actual.shape);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        using var labels = Lumen.Imaging.NpyFile.Read(folder.File("merged/labels.npy"));
        using var expectedLabels = Lumen.Imaging.NpyFile.Read(folder.File("whole/labels.shard-0-of-1.npy"));
        Assert.Equal(expectedLabels.data<long>().ToArray(), labels.data<long>().ToArray());

        var embedded = CliRunner.Run("embed", "--features", folder.File("merged/features.npy"), "--labels", folder.File("merged/labels.npy"),
            "--method", "pca", "--out", folder.File("embedding"));
        Assert.True(embedded.ExitCode == 0, embedded.Error);

        var mixed = CliRunner.Run("merge", "--out", folder.File("mixed"), manifests[0], folder.File("whole/features.shard-0-of-1.json"));
        Assert.Equal(3, mixed.ExitCode);
        Assert.Contains("different runs", mixed.Error);
    }

    [Fact]
    public void FourExplainShardsMergeIntoTheFolderOfOneRun()
    {
        using var folder = new TempDirectory();
        string data = folder.File("data");
        Directory.CreateDirectory(data);
        TinyFashionMnist.Write(data, 10, 40);
        CliRunner.Result Explain(string output, params string[] extra) => CliRunner.Run(["explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights,
            "--data", data, "--split", "test", "--method", "saliency,gradcam", "--layer", "conv3", "--batch-size", "10", "--out", output, .. extra]);

        var whole = Explain(folder.File("whole"));
        Assert.True(whole.ExitCode == 0, whole.Error);
        var manifests = new List<string>();
        for (int shard = 0; shard < 4; shard++)
        {
            var part = Explain(folder.File($"shard{shard}"), "--shard", $"{shard}/4");
            Assert.True(part.ExitCode == 0, part.Error);
            manifests.Add(folder.File($"shard{shard}/explain.shard-{shard}-of-4.json"));
        }

        // Shard 1 of 4 holds images 10..19, numbered as in the whole dataset.
        Assert.True(File.Exists(folder.File("shard1/00010.saliency.png")));
        Assert.False(File.Exists(folder.File("shard1/00009.saliency.png")));

        var merged = CliRunner.Run(["merge", "--out", folder.File("merged"), .. manifests]);
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.Contains("40 images x 2 method(s), 160 files", merged.Output);
        var expected = Directory.GetFiles(folder.File("whole")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(160, expected.Count);
        Assert.Equal(expected, Directory.GetFiles(folder.File("merged")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (string name in expected!)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder.File("whole"), name!)), File.ReadAllBytes(Path.Combine(folder.File("merged"), name!)));
        }

        File.Delete(folder.File("shard2/00025.gradcam.npy"));
        var broken = CliRunner.Run(["merge", "--out", folder.File("broken"), .. manifests]);
        Assert.Equal(3, broken.ExitCode);
        Assert.Contains("00025.gradcam.npy", broken.Error);
        Assert.False(Directory.Exists(folder.File("broken")));
    }
}
