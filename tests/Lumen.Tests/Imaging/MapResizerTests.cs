using Lumen.Imaging;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Imaging;

public class MapResizerTests
{
    [Fact]
    public void BilinearMatchesPyTorchAlignCornersFalse()
    {
        using var map = torch.tensor(new[] { 1f, 2f, 3f, 4f }).reshape(1, 1, 2, 2);
        using var up = MapResizer.Resize(map, 4, 4, Upsampling.Bilinear);
        // torch.nn.functional.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False)
        float[] expected =
        [
            1.00f, 1.25f, 1.75f, 2.00f,
            1.50f, 1.75f, 2.25f, 2.50f,
            2.50f, 2.75f, 3.25f, 3.50f,
            3.00f, 3.25f, 3.75f, 4.00f,
        ];
        Assert.Equal(new long[] { 1, 1, 4, 4 }, up.shape);
        Assert.Equal(expected, up.flatten().data<float>().ToArray());
    }

    [Fact]
    public void NearestRepeatsPixels()
    {
        using var map = torch.tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        using var up = MapResizer.Resize(map, 4, 4, Upsampling.Nearest);
        Assert.Equal(new long[] { 4, 4 }, up.shape);
        Assert.Equal(new[] { 1f, 1f, 2f, 2f }, up[0].data<float>().ToArray());
        Assert.Equal(new[] { 3f, 3f, 4f, 4f }, up[3].data<float>().ToArray());
    }

    [Theory]
    [InlineData(Upsampling.Nearest)]
    [InlineData(Upsampling.Bilinear)]
    [InlineData(Upsampling.Bicubic)]
    public void KeepsRankAndBatchAndLeavesTheInputAlone(Upsampling mode)
    {
        using var maps = torch.rand(2, 3, 7, 7);
        using var before = maps.clone();
        using var up = MapResizer.Resize(maps, 224, 200, mode);
        Assert.Equal(new long[] { 2, 3, 224, 200 }, up.shape);
        Assert.True(maps.equal(before).all().item<bool>());
        using var chw = MapResizer.Resize(maps[0], 14, 14, mode);
        Assert.Equal(new long[] { 3, 14, 14 }, chw.shape);
    }

    [Fact]
    public void WrongRankOrSizeIsAUsageError()
    {
        using var vector = torch.ones(5);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => MapResizer.Resize(vector, 4, 4, Upsampling.Bilinear)).Kind);
        using var map = torch.ones(2, 2);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => MapResizer.Resize(map, 0, 4, Upsampling.Bilinear)).Kind);
    }
}

public class MapResizerReferenceTests
{
    [Fact]
    public void ReproducesPytorchGradCamUpsamplingOfTheReferenceMaps()
    {
        // pytorch-grad-cam 1.5.5: ReLU, min/max, bilinear 7x7 -> 28x28 (OpenCV INTER_LINEAR), ReLU, min/max again.
        using var scope = torch.NewDisposeScope();
        var raw = NpyFile.Read(Fixtures.Attribution("gradcam_gradcam__raw"));
        var expected = NpyFile.Read(Fixtures.Attribution("gradcam_gradcam"));
        Assert.Equal(new long[] { 4, 7, 7 }, raw.shape);

        var small = Scale(torch.nn.functional.relu(raw));
        var large = MapResizer.Resize(small.unsqueeze(1), 28, 28, Upsampling.Bilinear).squeeze(1);
        var final = Scale(torch.nn.functional.relu(large));

        Assert.Equal(expected.shape, final.shape);
        var maxDifference = (final - expected).abs().max().item<float>();
        Assert.True(maxDifference < 1e-5f, $"largest difference {maxDifference}");
    }

    private static torch.Tensor Scale(torch.Tensor maps)
    {
        var min = maps.amin([1, 2], keepdim: true);
        var shifted = maps - min;
        return shifted / (shifted.amax([1, 2], keepdim: true) + 1e-7f);
    }
}
