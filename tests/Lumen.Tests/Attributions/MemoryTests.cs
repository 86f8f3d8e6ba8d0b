using System.Diagnostics;
using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Native tensor memory is freed as each attribution is disposed: a long loop does not grow the process.
/// Runs alone (no other test in parallel), since it measures the whole process's resident memory.
/// </summary>
[Collection(SerialCollection.Name)]
public class MemoryTests
{
    private readonly ITestOutputHelper output;

    public MemoryTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void ExplainingTwoThousandImagesOneByOneKeepsMemoryFlat()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var saliency = new Saliency(model, SaliencyMode.Absolute);
        var gradCam = new GradCam(model, "conv3");
        const int warmUp = 200;
        const int total = 2000;
        long afterWarmUp = 0;
        for (int i = 0; i < total; i++)
        {
            if (i == warmUp) afterWarmUp = ResidentBytes();
            using var image = inputs.narrow(0, i % 4, 1);
            using var first = saliency.Attribute(image, Target.Predicted);
            using var second = gradCam.Attribute(image, Target.Predicted);
            var picture = AttributionRendering.Overlay(second, 0, image[0]);
            Assert.Equal(224, picture.Width);
        }
        long atEnd = ResidentBytes();
        double growthMb = (atEnd - afterWarmUp) / 1048576.0;
        output.WriteLine($"resident memory after {warmUp} images: {afterWarmUp / 1048576.0:F1} MB; after {total}: {atEnd / 1048576.0:F1} MB; growth {growthMb:F1} MB");
        Assert.True(growthMb < 20, $"resident memory grew by {growthMb:F1} MB over {total - warmUp} images");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
