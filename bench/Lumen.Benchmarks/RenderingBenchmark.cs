using BenchmarkDotNet.Attributes;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// Heatmap rendering throughput at 224x224 (the performance issue asks for 1,000 heatmaps per second): a map
/// coloured alone, a map blended over its image, and a 7x7 Grad-CAM-sized map upsampled and blended. Each call
/// renders a batch of 64, so images per second = 64 / the mean time.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class RenderingBenchmark
{
    private const int Images = 64;
    private Tensor maps = null!;
    private Tensor smallMaps = null!;
    private Tensor displays = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        maps = torch.randn(Images, 3, 224, 224);
        smallMaps = torch.rand(Images, 1, 7, 7);
        displays = torch.rand(Images, 3, 224, 224);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        maps.Dispose();
        smallMaps.Dispose();
        displays.Dispose();
    }

    [Benchmark(Baseline = true, Description = "64 heatmaps 224x224 (bwr, symmetric)")]
    public int Heatmaps() => HeatmapRenderer.RenderBatch(maps, Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax).Count;

    [Benchmark(Description = "64 overlays 224x224 (bwr, symmetric)")]
    public int Overlays() => HeatmapRenderer.OverlayBatch(displays, maps, Colormap.BlueWhiteRed, MapNormalization.SymmetricAbsMax).Count;

    [Benchmark(Description = "64 overlays of 7x7 maps, bilinear to 224x224 (jet, min-max)")]
    public int CamOverlays() => HeatmapRenderer.OverlayBatch(displays, smallMaps, Colormap.Jet, MapNormalization.MinMax).Count;
}
