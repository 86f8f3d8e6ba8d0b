using Lumen.Imaging;
using Lumen.Models;
using Lumen.Understanding;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Understanding;

/// <summary>
/// Channel visualization of a TorchVision resnet18 (random weights, 64x64 input to stay fast): 16 channels run in one
/// batch, each channel's result does not depend on its batch-mates, and the ascent raises every channel. Serial, since
/// the random initialisation seeds torch's global random stream, which tests running in parallel must not share.
/// </summary>
[Collection(SerialCollection.Name)]
public class ChannelVisualizationTests
{
    private const int Steps = 8;

    private static ExplainableModel SmallResnet18()
    {
        torch.manual_seed(0);
        var module = ModelCatalog.Find("resnet18").Create(1000);
        return new ExplainableModel(module, "resnet18", new long[] { 3, 64, 64 }, preprocessing: ImagePreprocessing.ImageNet(64));
    }

    [Fact]
    public void SixteenChannelsRunInOneBatchAndEachRises()
    {
        using var threads = TorchThreads.One();
        using var model = SmallResnet18();
        var units = Enumerable.Range(0, 16).Select(c => Unit.ChannelMean("layer2", c * 8)).ToList();
        var options = new ActivationMaximizationOptions { Steps = Steps, BatchSize = 16, Seed = 5 };
        var reports = new List<StepProgress>();

        using var batched = new ActivationMaximization(model, options).Run(units, new SynchronousProgress(reports));

        Assert.Equal(new long[] { 16, 3, 64, 64 }, batched.Input.shape);
        Assert.Equal(Enumerable.Range(1, Steps), reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(Steps, r.Total));
        for (int u = 0; u < 16; u++)
        {
            Assert.True(batched.History[u][^1] > batched.History[u][0], $"channel {units[u].Index}: {batched.History[u][0]} -> {batched.History[u][^1]}");
        }
        // The written input is the pixels mapped through ImageNet's normalisation, inside its valid range.
        var space = new InputSpace(model.Preprocessing, 3);
        using (var back = space.ToPixels(batched.Input))
        {
            Assert.True(back.sub(batched.Pixels).abs().max().item<float>() < 1e-5);
            Assert.True(back.min().item<float>() >= -1e-5 && back.max().item<float>() <= 1 + 1e-5);
        }

    }

    /// <summary>
    /// Unit i of a run draws its start and transforms from seed + i, so units 3 and 12 run alone (with that seed) give the
    /// images they got in the batch of 16. Plain gradient steps keep float rounding differences between batched and
    /// single convolutions small (Adam's first steps are nearly sign(g) and would amplify them where g ≈ 0).
    /// </summary>
    [Fact]
    public void EachUnitsResultDoesNotDependOnItsBatch()
    {
        using var threads = TorchThreads.One();
        using var model = SmallResnet18();
        var units = Enumerable.Range(0, 16).Select(c => Unit.ChannelMean("layer2", c * 8)).ToList();
        var options = new ActivationMaximizationOptions { Steps = 4, BatchSize = 16, Seed = 5, Rule = AscentRule.Plain, LearningRate = 0.5 };

        using var batched = new ActivationMaximization(model, options).Run(units);

        foreach (int u in new[] { 3, 12 })
        {
            using var single = new ActivationMaximization(model, options with { Seed = options.Seed + u }).Run(new[] { units[u] });
            using var difference = single.Pixels[0].sub(batched.Pixels[u]).abs().max();
            Assert.True(difference.item<float>() < 1e-4, $"unit {u}: batched and single runs differ by {difference.item<float>()}");
            Assert.True(single.Pixels[0].sub(batched.Pixels[u == 3 ? 12 : 3]).abs().max().item<float>() > 1e-2, "different units gave the same image");
            Assert.Equal(batched.History[u], single.History[0], new ToleranceComparer(1e-3f));
        }
    }

    private sealed class ToleranceComparer(float relative) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= relative * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

        public int GetHashCode(float value) => 0;
    }

    private sealed class SynchronousProgress : IProgress<StepProgress>
    {
        private readonly List<StepProgress> into;

        public SynchronousProgress(List<StepProgress> into) => this.into = into;

        public void Report(StepProgress value) => into.Add(value);
    }
}
