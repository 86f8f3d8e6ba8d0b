using Lumen.Imaging;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

/// <summary>Imaging code must leave no tensors behind: every intermediate is disposed deterministically.</summary>
public class NativeMemoryTests
{
    private static long LiveTensors => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    [Fact]
    public void LoadingAndRenderingLeaveNoLiveTensors()
    {
        using var folder = new TempDirectory();
        var path = folder.File("a.png");
        TestImages.Write(path, 40, 30, (x, y) => new SKColor((byte)x, (byte)y, 99), SKEncodedImageFormat.Png);
        using var map = torch.rand(7, 7);
        using var maps = torch.rand(2, 3, 8, 8);
        var before = LiveTensors;

        for (var i = 0; i < 3; i++)
        {
            using (var images = ImageLoader.Load([path, path], ImagePreprocessing.ImageNet(32)))
            {
                using var display = images.Display[0];
                HeatmapRenderer.Overlay(display, map, Colormap.Jet, MapNormalization.Percentile(), 0.5f, Upsampling.Bicubic);
                HeatmapRenderer.OverlayBatch(images.Display, maps, Colormap.Viridis, MapNormalization.SymmetricAbsMax);
                HeatmapRenderer.RenderBatch(maps, Colormap.Inferno, MapNormalization.MinMax.WithAbsoluteValue(), ChannelReduction.MaxAbs);
                RgbImage.FromTensor(display);
            }

            NpyFile.Write(folder.File("m.npy"), maps);
            using var back = NpyFile.Read(folder.File("m.npy"));
            using var resized = MapResizer.Resize(maps, 16, 16, Upsampling.Bilinear);
            using var first = maps[0];
            using var reduced = HeatmapRenderer.ReduceChannels(first);
        }

        Assert.Equal(before, LiveTensors);
    }
}
