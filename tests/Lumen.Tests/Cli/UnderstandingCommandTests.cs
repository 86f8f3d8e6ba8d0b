using System.Text.Json;
using Lumen.Data;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Cli;

/// <summary>The scripting contract of <c>lumen top-k</c> and <c>lumen visualize</c>: file names, shapes, order.</summary>
public class UnderstandingCommandTests
{
    [Fact]
    public void TopKWritesIndicesAndScoresHighestFirstPlusTheBottomK()
    {
        using var folder = new TempDirectory();
        string dataPath = folder.File("sixty.npy");
        using (var data = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test"))
        using (var pixels = data.LoadPixels(0, 60))
            NpyFile.Write(dataPath, pixels);
        string output = folder.File("out");

        var result = CliRunner.Run("top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", dataPath,
            "--layer", "conv3", "--channel", "5,9", "--k", "4", "--batch-size", "16", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(Path.Combine(output, "topk.png")));
        Assert.True(File.Exists(Path.Combine(output, "topk.csv")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "topk.json")));
        var units = json.RootElement.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(new[] { "conv3-ch5", "conv3-ch9" }, units.Select(u => u.GetProperty("unit").GetString()));

        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var scope = NewDisposeScope();
        using var capture = model.Capture("conv3");
        using (no_grad()) model.Forward(NpyFile.Read(dataPath));
        var means = capture["conv3"].mean(new long[] { 2, 3 });
        foreach (var (unit, channel) in units.Zip(new[] { 5, 9 }))
        {
            float[] values = means[.., channel].data<float>().ToArray();
            var top = unit.GetProperty("top").EnumerateArray().ToList();
            var bottom = unit.GetProperty("bottom").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(0, 60).OrderByDescending(i => values[i]).ThenBy(i => i).Take(4), top.Select(e => e.GetProperty("index").GetInt32()));
            Assert.Equal(Enumerable.Range(0, 60).OrderBy(i => values[i]).ThenBy(i => i).Take(4), bottom.Select(e => e.GetProperty("index").GetInt32()));
            foreach (var e in top.Concat(bottom)) Assert.Equal(values[e.GetProperty("index").GetInt32()], e.GetProperty("score").GetSingle(), 4);
        }
        Assert.Contains("top-k", result.Error); // the progress line goes to standard error
    }

    [Fact]
    public void VisualizeWritesAPngAndAnInputSpaceNpyPerUnitAndAGrid()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");

        var result = CliRunner.Run("visualize", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--class", "3,7",
            "--measure", "probability", "--steps", "20", "--init", "fashion-mnist:0", "--parameterization", "pixel", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string unit in new[] { "class-3-probability", "class-7-probability" })
        {
            Assert.True(File.Exists(Path.Combine(output, unit + ".png")), unit);
            using var input = NpyFile.Read(Path.Combine(output, unit + ".npy"));
            Assert.Equal(new long[] { 1, 1, 28, 28 }, input.shape);
            Assert.True(input.min().item<float>() >= 0 && input.max().item<float>() <= 1, $"{unit}: {input.min().item<float>()}..{input.max().item<float>()}");
        }
        Assert.True(File.Exists(Path.Combine(output, "grid.png")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "visualize.json")));
        var units = json.RootElement.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(20, units[0].GetProperty("history").GetArrayLength());

        // The .npy is what the model scores: its probability is the one reported.
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var saved = NpyFile.Read(Path.Combine(output, "class-7-probability.npy"));
        using var probabilities = model.Predict(saved).softmax(1);
        Assert.Equal(units[1].GetProperty("final").GetSingle(), probabilities[0, 7].item<float>(), 4);
        Assert.True(probabilities[0, 7].item<float>() > 0.5f, $"p = {probabilities[0, 7].item<float>()}");
    }

    [Fact]
    public void VisualizeOfOneUnitWritesNoGrid()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");

        var result = CliRunner.Run("visualize", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--layer", "conv2", "--channel", "4",
            "--neuron", "centre", "--steps", "3", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(new[] { "conv2-ch4-neuron.npy", "conv2-ch4-neuron.png", "visualize.json" },
            Directory.GetFiles(output).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }
}
