using Lumen.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class LocalizationTests
{
    [Fact]
    public void PointingGameAndRankAccuracyCountPixelsInsideTheRegion()
    {
        using var scope = NewDisposeScope();
        var box = new RegionBox(1, 1, 2, 2);
        Tensor mask = Localization.BoxMask(box, 4, 4);
        Assert.Equal(4, mask.sum().item<long>());
        var maps = torch.zeros(2, 1, 4, 4);
        maps[0, 0, 1, 1] = torch.tensor(5f); // maximum inside
        maps[0, 0, 2, 2] = torch.tensor(4f);
        maps[0, 0, 0, 3] = torch.tensor(3f);
        maps[0, 0, 3, 3] = torch.tensor(2f);
        maps[1, 0, 0, 0] = torch.tensor(9f); // maximum outside
        maps[1, 0, 1, 2] = torch.tensor(1f);
        Assert.Equal(new[] { 1.0, 0.0 }, Localization.PointingGame(maps, mask));
        // Top 4 of image 0: 5 (in), 4 (in), 3 (out), 2 (out); image 1: 9 (out), 1 (in), then zeros in reading order.
        double[] accuracy = Localization.RankAccuracy(maps, mask);
        Assert.Equal(0.5, accuracy[0], 12);
        Assert.InRange(accuracy[1], 0.25, 0.5);
    }

    [Fact]
    public void MapOfTheWatermarkScoresOneInTheWatermarkBox()
    {
        using var scope = NewDisposeScope();
        var box = new RegionBox(1, 1, 5, 5);
        Tensor map = torch.zeros(1, 28, 28);
        map.narrow(1, 1, 5).narrow(2, 1, 5).fill_(1);
        map = map + torch.rand(new long[] { 1, 28, 28 }, generator: new Generator(1)) * 0.01;
        Tensor mask = Localization.BoxMask(box, 28, 28);
        Assert.Equal(new[] { 1.0 }, Localization.PointingGame(map, mask));
        Assert.Equal(1.0, Localization.RankAccuracy(map, mask)[0], 12);
        Assert.Throws<LumenException>(() => Localization.RankAccuracy(map, torch.zeros(28, 28, dtype: ScalarType.Bool)));
    }
}
