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
}
