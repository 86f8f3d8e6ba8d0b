using Lumen.Evaluation;
using Lumen.Shortcuts;
using Lumen.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Shortcuts;

public sealed class ShortcutTests
{
    [Fact]
    public void TheWatermarkIsACheckerboardInItsBoxOnlyOnChosenImages()
    {
        using var images = torch.full(3, 1, 10, 10, 0.5f);
        var mark = new Watermark(new RegionBox(2, 3, 4, 4));
        using var stamped = mark.Stamp(images, [true, false, true]);
        Assert.Equal(0.5f, images.max().item<float>());
        Assert.Equal(1f, stamped[0, 0, 2, 3].item<float>());
        Assert.Equal(0f, stamped[0, 0, 2, 4].item<float>());
        Assert.Equal(1f, stamped[2, 0, 5, 6].item<float>());
        Assert.Equal(0.5f, stamped[0, 0, 6, 3].item<float>());
        Assert.Equal(0.5f, stamped[1].max().item<float>());
        Assert.Equal(0.5f, stamped[1].min().item<float>());
        using var changed = (stamped - images).abs().gt(0).sum();
        Assert.Equal(2 * 16, changed.item<long>());
    }

    [Fact]
    public void RelevanceMassCountsOnlyPositiveRelevance()
    {
        using var maps = torch.zeros(3, 1, 4, 4);
        maps[0, 0, 0, 0] = torch.tensor(3f);
        maps[0, 0, 3, 3] = torch.tensor(1f);
        maps[0, 0, 1, 1] = torch.tensor(-5f);
        maps[1].fill_(1f);
        var share = RelevanceMass.PositiveShareInBox(maps, new RegionBox(0, 0, 2, 2));
        Assert.Equal(0.75, share[0], 12);
        Assert.Equal(0.25, share[1], 12);
        Assert.Equal(0.0, share[2]);
    }

    [Fact]
    public void ABoxOutsideTheImageIsAUsageError()
    {
        using var maps = torch.zeros(1, 1, 4, 4);
        var error = Assert.Throws<LumenException>(() => RelevanceMass.PositiveShareInBox(maps, new RegionBox(3, 3, 2, 2)));
        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    [Fact]
    public void TheShortcutSetTagsMostOfTheTargetClassAndFewOthers()
    {
        using var labels = torch.arange(0, 10).repeat(200);
        using var data = new LabelledTensors(torch.zeros(2000, 1, 8, 8), labels.clone());
        var settings = new ShortcutSettings { TargetClass = 9, TargetShare = 0.9, OtherShare = 0.05, Watermark = new Watermark(new RegionBox(0, 0, 3, 3)) };
        var (tagged, stamped) = ShortcutData.Watermarked(data, settings);
        using (tagged)
        {
            var isTarget = labels.data<long>().Select(l => l == 9).ToArray();
            var targetShare = stamped.Where((s, i) => isTarget[i]).Count(s => s) / 200.0;
            var otherShare = stamped.Where((s, i) => !isTarget[i]).Count(s => s) / 1800.0;
            Assert.InRange(targetShare, 0.85, 0.95);
            Assert.InRange(otherShare, 0.03, 0.07);
            using var marked = tagged.Inputs.amax([1L, 2L, 3L]).gt(0);
            Assert.Equal(stamped, marked.data<bool>().ToArray());
        }

        using var others = ShortcutData.OtherClassesStamped(data, settings);
        Assert.Equal(1800, others.Count);
        using var allMarked = others.Inputs.amax([1L, 2L, 3L]).gt(0).all();
        Assert.True(allMarked.item<bool>());
    }
}
