using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>Grid and SLIC superpixels: ids without gaps, connected pieces, sizes, and respect for edges.</summary>
public sealed class SegmentationTests
{
    private static float[] TwoHalves(int height, int width, int channels = 1)
    {
        var pixels = new float[channels * height * width];
        for (int ch = 0; ch < channels; ch++)
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++) pixels[(ch * height + r) * width + c] = c < width * 5 / 8 ? 0.1f : 0.9f;
        return pixels;
    }

    private static void AssertConnectedAndNumbered(int[] labels, int height, int width)
    {
        int count = labels.Max() + 1;
        Assert.Equal(Enumerable.Range(0, count), labels.Distinct().OrderBy(l => l));
        for (int id = 0; id < count; id++)
        {
            int start = Array.IndexOf(labels, id);
            var seen = new HashSet<int> { start };
            var queue = new Queue<int>(new[] { start });
            while (queue.Count > 0)
            {
                int p = queue.Dequeue();
                foreach (int q in new[] { p - width, p + width, p % width > 0 ? p - 1 : -1, p % width < width - 1 ? p + 1 : -1 })
                    if (q >= 0 && q < labels.Length && labels[q] == id && seen.Add(q)) queue.Enqueue(q);
            }
            Assert.Equal(labels.Count(l => l == id), seen.Count);
        }
    }

    [Fact]
    public void GridCellsDifferByAtMostOnePixel()
    {
        int[] labels = new GridSegmentation(3, 4).Segment(new float[10 * 9], 1, 10, 9);
        Assert.Equal(12, labels.Max() + 1);
        var sizes = labels.GroupBy(l => l).Select(g => g.Count()).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 10 / 3 + 9 / 4 + 1);
        Assert.Equal(0, labels[0]);
        Assert.Equal(11, labels[^1]);
        AssertConnectedAndNumbered(labels, 10, 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SlicGivesConnectedSuperpixelsThatFollowEdges(int channels)
    {
        int height = 40, width = 48;
        int[] labels = new SlicSegmentation(30).Segment(TwoHalves(height, width, channels), channels, height, width);
        AssertConnectedAndNumbered(labels, height, width);
        Assert.InRange(labels.Max() + 1, 15, 45);
        int edge = width * 5 / 8;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                if (c < edge - 1) Assert.DoesNotContain(labels[r * width + c], Enumerable.Range(0, height).Select(rr => labels[rr * width + width - 1]));
    }

    [Fact]
    public void SlicOnAFashionImageIsDeterministicAndCoversIt()
    {
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var slic = new SlicSegmentation(50);
        using var first = Segmentations.Apply(slic, inputs);
        using var second = Segmentations.Apply(slic, inputs);
        Assert.True(first.eq(second).all().item<bool>());
        Assert.Equal(new long[] { 4, 1, 28, 28 }, first.shape);
        for (int n = 0; n < 4; n++)
        {
            int[] labels = first[n].flatten().data<long>().Select(l => (int)l).ToArray();
            AssertConnectedAndNumbered(labels, 28, 28);
            Assert.InRange(labels.Max() + 1, 20, 80);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void QuickshiftGivesConnectedSuperpixelsThatFollowEdges(int channels)
    {
        int height = 30, width = 32;
        int[] labels = new QuickshiftSegmentation(kernelSize: 2).Segment(TwoHalves(height, width, channels), channels, height, width);
        AssertConnectedAndNumbered(labels, height, width);
        Assert.True(labels.Max() + 1 >= 2);
        int edge = width * 5 / 8;
        var left = Enumerable.Range(0, height).SelectMany(r => Enumerable.Range(0, edge).Select(c => labels[r * width + c])).ToHashSet();
        var right = Enumerable.Range(0, height).SelectMany(r => Enumerable.Range(edge, width - edge).Select(c => labels[r * width + c])).ToHashSet();
        Assert.Empty(left.Intersect(right));
    }

    [Fact]
    public void QuickshiftIsDeterministicAndAFinerKernelSplitsAFashionImageFurther()
    {
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var first = Segmentations.Apply(new QuickshiftSegmentation(), inputs);
        using var second = Segmentations.Apply(Segmentations.Parse("segmentation", "quickshift"), inputs);
        Assert.True(first.eq(second).all().item<bool>());
        for (int n = 0; n < 4; n++)
        {
            int[] labels = first[n].flatten().data<long>().Select(l => (int)l).ToArray();
            AssertConnectedAndNumbered(labels, 28, 28);
            int[] finer = new QuickshiftSegmentation(kernelSize: 1).Segment(inputs[n].flatten().data<float>().ToArray(), 1, 28, 28);
            AssertConnectedAndNumbered(finer, 28, 28);
            Assert.True(finer.Max() + 1 >= Math.Max(2, labels.Max() + 1), $"image {n}: {finer.Max() + 1} finer vs {labels.Max() + 1} segments");
        }
    }

    [Fact]
    public void ParsesTheSegmentationSettings()
    {
        Assert.Equal("grid:3x5", Segmentations.Parse("segmentation", "grid:3x5").Description);
        Assert.Equal("slic:100", Segmentations.Parse("segmentation", "SLIC").Description);
        Assert.Equal("slic:20", Segmentations.Parse("segmentation", "slic:20").Description);
        Assert.Equal("quickshift:4", Segmentations.Parse("segmentation", "quickshift").Description);
        Assert.Equal("quickshift:2.5", Segmentations.Parse("segmentation", "quickshift:2.5").Description);
        Assert.Contains("expected a positive whole number", Assert.Throws<LumenException>(() => Segmentations.Parse("segmentation", "slic:x")).Message);
    }
}
