using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// An ONNX graph whose output is per-pixel scores [N, K, H, W] is read as a segmentation map (kept 4-D, explained with
/// a segmentation target); other outputs with spatial sizes are still refused.
/// </summary>
public sealed class SegmentationOutputTests
{
    [Fact]
    public void APerPixelOutputIsReadAsASegmentationMap()
    {
        using var folder = new TempDirectory();
        string path = SegmentationGraph(folder.File("segmenter.onnx"));
        using var model = OnnxImporter.Load(path);
        Assert.Equal("output [N, 3, 8, 8] read as 3 class scores per pixel (segmentation)", model.OutputReading);
        using var input = rand(new long[] { 2, 1, 8, 8 }, generator: new Generator(3));
        using var output = model.Predict(input);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, output.shape);
        using var mask = zeros(8, 8);
        mask[2..5, 3..7] = tensor(1f);
        using var map = new Saliency(model, SaliencyMode.Signed).Attribute(input, Target.Segmentation(1, mask));
        using var x = input.clone().requires_grad_(true);
        (model.Forward(x).select(1, 1) * mask).sum().backward();
        Assert.True((map.Values - x.grad!).abs().max().item<float>() <= 1e-6);
        Assert.True(map.Values.abs().max().item<float>() > 0);
    }

    [Fact]
    public void ExplainTakesASegmentationTargetWithAMaskFileAndRefusesAClassTarget()
    {
        using var folder = new TempDirectory();
        string path = SegmentationGraph(folder.File("segmenter.onnx"));
        string input = folder.File("x.npy");
        using (var images = rand(new long[] { 2, 1, 8, 8 }, generator: new Generator(4))) NpyFile.Write(input, images);
        string maskFile = folder.File("mask.npy");
        using (var mask = zeros(8, 8))
        {
            mask[0..4, 0..4] = tensor(1f);
            NpyFile.Write(maskFile, mask);
        }
        var result = CliRunner.Run("explain", "--model", path, "--input", input, "--method", "gradcam,saliency",
            "--target", $"seg:2:{maskFile}", "--out", folder.File("out"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("\"segmentation\": true", result.Output);
        Assert.Contains("\"layer-choice\": \"automatic\"", result.Output);
        var predicted = CliRunner.Run("explain", "--model", path, "--input", input, "--method", "hirescam", "--target", "seg:0", "--out", folder.File("out2"));
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        Assert.Contains("of the pixels", predicted.Output);

        var wrong = CliRunner.Run("explain", "--model", path, "--input", input, "--method", "gradcam", "--target", "1", "--out", folder.File("out3"));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("seg:", wrong.Error);
        Assert.Single(wrong.Error.Trim().Split('\n'));

        var report = CliRunner.Run("report", "--model", path, "--input", input, "--method", "gradcam", "--target", "seg:0", "--out", folder.File("report"));
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("use lumen explain for a segmentation model", report.Error);
    }

    [Fact]
    public void AnOutputWithSpatialSizesOfAnotherRankIsAModelErrorNamingItsShape()
    {
        using var folder = new TempDirectory();
        var graph = new GraphBuilder(1, 13, 3, 8, 8);
        string y = graph.Node("Conv", new[] { "input", graph.Weight(new long[] { 4, 3, 3, 3 }) });
        string flat = graph.Node("Reshape", new[] { y, graph.Longs(1, 4, 36) });
        string path = graph.Save(flat, folder.File("map.onnx"));
        var error = Assert.Throws<LumenException>(() => OnnxImporter.Load(path).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("has shape [1, 4, 36] for one image", error.Message);
    }

    /// <summary>Conv 3x3 (pad 1) to 4 channels, ReLU, conv 3x3 (pad 1) to 3 classes: [N, 1, 8, 8] to [N, 3, 8, 8].</summary>
    private static string SegmentationGraph(string path)
    {
        var graph = new GraphBuilder(5, 13, 1, 8, 8);
        string x = graph.Node("Conv", new[] { "input", graph.Weight(new long[] { 4, 1, 3, 3 }), graph.Weight(new long[] { 4 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1));
        x = graph.Node("Relu", new[] { x });
        x = graph.Node("Conv", new[] { x, graph.Weight(new long[] { 3, 4, 3, 3 }), graph.Weight(new long[] { 3 }) }, GraphBuilder.Ints("pads", 1, 1, 1, 1));
        return graph.Save(x, path);
    }
}
