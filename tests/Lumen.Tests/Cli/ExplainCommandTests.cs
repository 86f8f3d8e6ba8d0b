using System.Text.Json;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Cli;

public class ExplainCommandTests
{
    private static readonly string Weights = Fixtures.FmnistWeights;

    [Fact]
    public void ArrayInputWritesTheRawAttributionsAndOnePngPerImage()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Weights, "--input", Fixtures.FmnistInputs,
            "--method", "gradcam,saliency", "--layer", "conv3", "--target", "7,2,1,1", "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);

        using var gradcam = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.gradcam.npy"));
        using var saliency = NpyFile.Read(Path.Combine(output, "fmnist_cnn_inputs_0_3.saliency.npy"));
        Assert.Equal(new long[] { 4, 1, 7, 7 }, gradcam.shape);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, saliency.shape);
        using var reference = NpyFile.Read(Fixtures.Attribution("captum_layer_gradcam"));
        Lumen.Tests.Attributions.ReferenceComparison.AssertMatches(reference, gradcam);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(File.Exists(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{i}.gradcam.png")));
            Assert.True(File.Exists(Path.Combine(output, $"fmnist_cnn_inputs_0_3.{i}.saliency.png")));
        }
        Assert.Equal(10, Directory.GetFiles(output).Length);

        using var json = JsonDocument.Parse(result.Output);
        var images = json.RootElement.GetProperty("images");
        Assert.Equal(4, images.GetArrayLength());
        Assert.Equal(7, images[0].GetProperty("predicted").GetInt32());
        Assert.Equal("Sneaker", images[0].GetProperty("predicted_label").GetString());
        Assert.Equal(10, json.RootElement.GetProperty("files").GetArrayLength());
        Assert.Equal("conv3", json.RootElement.GetProperty("methods")[0].GetProperty("settings").GetProperty("layer").GetString());
    }

    [Fact]
    public void ImageFilesGiveAnOverlayAndArrayPerImageAndMethod()
    {
        using var folder = new TempDirectory();
        string image = WriteSampleImage(folder, 0, "boot.png");
        string output = folder.File("out");
        var result = CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "--image", image,
            "--method", "gradcam", "--method", "saliency-abs", "--layer", "conv3", "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("boot: predicted Sneaker", result.Output);
        using var fromImage = NpyFile.Read(Path.Combine(output, "boot.gradcam.npy"));
        using var reference = NpyFile.Read(Fixtures.Attribution("captum_layer_gradcam"));
        // The PNG holds the same uint8 pixels the reference inputs were made from, so the maps agree.
        Lumen.Tests.Attributions.ReferenceComparison.AssertMatches(reference.narrow(0, 0, 1), fromImage);
        var overlay = RgbImage.Load(Path.Combine(output, "boot.gradcam.png"));
        Assert.Equal(224, overlay.Width);
        Assert.True(File.Exists(Path.Combine(output, "boot.saliency-abs.png")));
    }

    [Fact]
    public void TheGradCamOverlayIsHotWhereTheMapIsHigh()
    {
        using var folder = new TempDirectory();
        string image = WriteSampleImage(folder, 1, "pullover.png");
        string output = folder.File("out");
        Assert.Equal(0, CliRunner.Run("explain", "-m", "fmnist-cnn", "-w", Weights, "-i", image, "--method", "gradcam", "-l", "conv3", "-o", output).ExitCode);
        using var raw = NpyFile.Read(Path.Combine(output, "pullover.gradcam.npy"));
        using var upsampled = CamPostProcessing.NormalizedToInputSize(raw, 224, 224);
        var overlay = RgbImage.Load(Path.Combine(output, "pullover.gradcam.png"));
        long hottest = upsampled.flatten().argmax().item<long>();
        long coldest = upsampled.flatten().argmin().item<long>();
        var hot = overlay.GetPixel((int)(hottest % 224), (int)(hottest / 224));
        var cold = overlay.GetPixel((int)(coldest % 224), (int)(coldest / 224));
        Assert.True(hot.R > hot.B, $"jet is red where the map peaks, got {hot}");
        Assert.True(cold.B > cold.R, $"jet is blue where the map is lowest, got {cold}");
    }

    internal static string WriteSampleImage(TempDirectory folder, int index, string name)
    {
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var image = inputs[index].expand(3, -1, -1);
        string path = folder.File(name);
        RgbImage.FromTensor(image).SavePng(path);
        return path;
    }
}
