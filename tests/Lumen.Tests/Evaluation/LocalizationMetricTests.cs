using Lumen.Cli.Commands;
using Lumen.Evaluation;
using Lumen.Imaging;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class LocalizationMetricTests
{
    [Fact]
    public void TopKIntersectionCountsTheKHighestPixelsInsideTheMask()
    {
        using var scope = NewDisposeScope();
        Tensor mask = Localization.BoxMask(new RegionBox(1, 1, 2, 2), 4, 4);
        var maps = torch.zeros(1, 4, 4);
        maps[0, 1, 1] = torch.tensor(5f); // in
        maps[0, 0, 3] = torch.tensor(4f); // out
        maps[0, 2, 2] = torch.tensor(3f); // in
        maps[0, 3, 0] = torch.tensor(-1f);
        // Top 1: {5} -> 1; top 2: {5, 4} -> 1/2; top 3: {5, 4, 3} -> 2/3; top 4 adds the first zero in reading order, (0, 0), out -> 2/4.
        Assert.Equal(new[] { 1.0 }, Localization.TopKIntersection(maps, mask, 1));
        Assert.Equal(0.5, Localization.TopKIntersection(maps, mask, 2)[0], 12);
        Assert.Equal(2.0 / 3, Localization.TopKIntersection(maps, mask, 3)[0], 12);
        Assert.Equal(0.5, Localization.TopKIntersection(maps, mask, 4)[0], 12);
        Assert.Throws<LumenException>(() => Localization.TopKIntersection(maps, mask, 17));
        // Relevance mass on a mask equals the box version: positive relevance 5 + 4 + 3 = 12, inside 8.
        Assert.Equal(8.0 / 12, RelevanceMass.PositiveShare(maps, mask)[0], 12);
        Assert.Equal(RelevanceMass.PositiveShareInBox(maps, new RegionBox(1, 1, 2, 2)), RelevanceMass.PositiveShare(maps, mask));
        Assert.Equal(16, LocalizationMetric.DefaultTopK(28 * 28)); // round(784 · 1000 / 50176 = 15.6)
        Assert.Equal(1000, LocalizationMetric.DefaultTopK(224 * 224));
    }

    [Fact]
    public void BoxesAreParsedAsX0Y0X1Y1AndMasksReadFromNpyAndPng()
    {
        Assert.Equal(new RegionBox(2, 1, 4, 3), EvaluateRunner.ParseBox("1,2,4,6"));
        Assert.Throws<LumenException>(() => EvaluateRunner.ParseBox("4,2,1,6"));
        Assert.Throws<LumenException>(() => EvaluateRunner.ParseBox("1,2,3"));
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        Tensor stack = torch.zeros(2, 6, 5, dtype: ScalarType.Byte);
        stack[0, 1, 1] = torch.tensor((byte)1);
        stack[1, 5, 4] = torch.tensor((byte)7);
        string npy = folder.File("masks.npy");
        NpyFile.Write(npy, stack);
        Tensor loaded = RegionMasks.Load(new[] { npy }, 2, 6, 5);
        Assert.Equal(new long[] { 2, 6, 5 }, loaded.shape);
        Assert.Equal(2, loaded.sum().item<long>());
        Assert.True(loaded[1, 5, 4].item<bool>());
        Assert.Throws<LumenException>(() => RegionMasks.Load(new[] { npy }, 3, 6, 5));
        Assert.Throws<LumenException>(() => RegionMasks.Load(new[] { npy }, 2, 5, 6));
        var image = torch.zeros(new long[] { 3, 6, 5 }, dtype: ScalarType.Float32);
        image[.., TensorIndex.Slice(2, 4), TensorIndex.Slice(1, 3)] = torch.tensor(1f);
        string png = folder.File("mask.png");
        RgbImage.FromTensor(image).SavePng(png);
        Tensor fromPng = RegionMasks.Load(new[] { png }, 3, 6, 5);
        Assert.Equal(new long[] { 3, 6, 5 }, fromPng.shape);
        Assert.Equal(3 * 4, fromPng.sum().item<long>());
        Assert.True(fromPng[2, 3, 2].item<bool>());
        Tensor empty = torch.zeros(6, 5, dtype: ScalarType.Byte);
        string emptyPath = folder.File("empty.npy");
        NpyFile.Write(emptyPath, empty);
        Assert.Throws<LumenException>(() => RegionMasks.Load(new[] { emptyPath }, 1, 6, 5));
    }
}
