using Lumen.Imaging;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

/// <summary>
/// Renders the pictures a user would see from the reference Fashion-MNIST inputs. Set LUMEN_SAMPLE_DIR to a folder
/// to keep the PNGs for a look.
/// </summary>
public class SampleRenderingTests
{
    [Fact]
    public void RendersAMontageOfTheFixtureImagesWithHeatmaps()
    {
        using var folder = new TempDirectory();
        var output = Environment.GetEnvironmentVariable("LUMEN_SAMPLE_DIR") is { Length: > 0 } keep ? keep : folder.Path;
        using var scope = torch.NewDisposeScope();
        var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var mask = NpyFile.Read(Fixtures.FeatureMask);

        var panels = new List<MontagePanel>();
        for (var i = 0; i < 4; i++)
        {
            panels.Add(new MontagePanel(RgbImage.FromTensor(inputs[i]), $"input {i}"));
        }

        for (var i = 0; i < 4; i++)
        {
            var map = inputs[i, 0];
            panels.Add(new MontagePanel(HeatmapRenderer.Overlay(inputs[i], map, Colormap.Jet, MapNormalization.MinMax, 0.5f), $"jet overlay {i}"));
        }

        for (var i = 0; i < 4; i++)
        {
            // A signed 7x7 map (the mask ids minus their mean) enlarged bilinearly, as a Grad-CAM map would be.
            var coarse = torch.nn.functional.avg_pool2d(inputs[i].unsqueeze(0), 4).squeeze(0).squeeze(0) - 0.2f;
            panels.Add(new MontagePanel(HeatmapRenderer.Overlay(inputs[i], coarse, Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax, 0.6f), $"bwr 7x7 → 28x28, image {i}"));
        }

        panels.Add(new MontagePanel(HeatmapRenderer.Render(mask[0, 0], Colormap.Viridis, MapNormalization.MinMax), "feature mask (viridis)"));
        panels.Add(new MontagePanel(HeatmapRenderer.Render(mask[0, 0], Colormap.Inferno, MapNormalization.MinMax), "feature mask (inferno)"));
        panels.Add(new MontagePanel(HeatmapRenderer.Render(inputs[0, 0], Colormap.Gray, MapNormalization.Percentile(1, 99)), "gray, percentile 1–99"));
        panels.Add(new MontagePanel(HeatmapRenderer.Render(torch.linspace(0, 1, 112).expand(20, -1), Colormap.Jet, MapNormalization.MinMax), "jet 0 → 1"));

        var montage = Montage.Create(panels, 4, new MontageOptions { Title = "Fashion-MNIST reference inputs: Lumen rendering check" });
        var path = Path.Combine(output, "imaging-sample-montage.png");
        montage.SavePng(path);

        Assert.Equal(4 * 112 + 5 * 10, montage.Width);
        Assert.True(File.Exists(path));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, inputs.shape);
    }
}
