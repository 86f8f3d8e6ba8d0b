using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Layers of an imported graph answer to the names the file gives them: the node name (<c>/stem/Conv</c>, as PyTorch's
/// exporter and Netron show it) and the node's output tensor name, besides Lumen's module name.
/// </summary>
public sealed class SourceNameTests
{
    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", "torch113", name);

    [Fact]
    public void NodeAndOutputNamesResolveToTheModuleOfTheLayer()
    {
        using var model = OnnxImporter.Load(Fixture("convnext_block_op13.onnx"));
        var layer = model.ResolveLayer("stem_Conv");
        Assert.Same(layer, model.ResolveLayer("/stem/Conv"));
        Assert.Same(layer, model.ResolveLayer("/stem/Conv_output_0"));
        Assert.Equal("stem_Conv", model.LayerName("/stem/Conv"));
        var info = model.DescribeLayers().Single(l => l.Name == "stem_Conv");
        Assert.Equal("/stem/Conv -> /stem/Conv_output_0", info.SourceName);

        var error = Assert.Throws<LumenException>(() => model.ResolveLayer("/stem/Cnv"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("/stem/Conv", error.Message);
    }

    [Fact]
    public void ExplainTakesTheFileNameOfALayerAndLayersListsIt()
    {
        using var folder = new TempDirectory();
        foreach (string layer in new[] { "/stem/Conv", "/stem/Conv_output_0", "stem_Conv" })
        {
            string output = folder.File(layer.Replace('/', '_'));
            var result = CliRunner.Run("explain", "--model", Fixture("convnext_block_op13.onnx"), "--input", Fixture("input.npy"),
                "--method", "gradcam", "--layer", layer, "--out", output);
            Assert.True(result.ExitCode == 0, result.Error);
        }
        var a = File.ReadAllBytes(Path.Combine(folder.File("_stem_Conv"), "input.gradcam.npy"));
        var b = File.ReadAllBytes(Path.Combine(folder.File("stem_Conv"), "input.gradcam.npy"));
        Assert.Equal(a, b);

        // CAM's message about what follows the layer lists the layers after it, also when the layer is named as in the file.
        var cam = CliRunner.Run("explain", "--model", RealFixtures.StemPads, "--input", RealFixtures.Path("stem_pads_input.npy"),
            "--method", "cam", "--layer", "/relu3/Relu", "--out", folder.File("cam"));
        Assert.Equal(2, cam.ExitCode);
        Assert.Contains("'/relu3/Relu' is followed by avgpool_AveragePool.pad, avgpool_AveragePool.pool, gap_GlobalAveragePool", cam.Error);

        var layers = CliRunner.Run("layers", "--model", Fixture("convnext_block_op13.onnx"));
        Assert.True(layers.ExitCode == 0, layers.Error);
        Assert.Contains("in the file (node -> output)", layers.Output);
        Assert.Contains("/stem/Conv -> /stem/Conv_output_0", layers.Output);
        Assert.Contains("output [N, 5] read as 5 scores", layers.Output);
    }
}
