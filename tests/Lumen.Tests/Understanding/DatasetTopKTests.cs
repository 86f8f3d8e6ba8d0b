using Lumen.Data;
using Lumen.Models;
using Lumen.Understanding;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Understanding;

/// <summary>Top-K over the Fashion-MNIST test split equals a brute-force sort of every image's score.</summary>
public class DatasetTopKTests
{
    [Fact]
    public void TopAndBottomKPerClassEqualABruteForceSortOfAllTenThousandTestImages()
    {
        const int k = 16;
        using var threads = TorchThreads.One();
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var data = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        Assert.Equal(10000, data.Count);
        var units = Enumerable.Range(0, 10).Select(Unit.ClassLogit).ToList();

        var result = DatasetTopK.Run(model, data, units, k, batchSize: 256);

        // Brute force: every logit at once, in a different batching, then a full sort per class.
        using var scope = NewDisposeScope();
        var pixels = data.LoadPixels(0, data.Count);
        float[] logits = model.Predict(pixels, batchSize: 1000).contiguous().data<float>().ToArray();
        for (int c = 0; c < 10; c++)
        {
            var all = Enumerable.Range(0, data.Count).Select(i => new RankedExample(i, logits[i * 10 + c])).ToList();
            var top = all.OrderByDescending(e => e.Score).ThenBy(e => e.Index).Take(k).ToList();
            var bottom = all.OrderBy(e => e.Score).ThenBy(e => e.Index).Take(k).ToList();
            var ranking = result.Rankings[c];
            Assert.Equal(top.Select(e => e.Index), ranking.Top.Select(e => e.Index));
            Assert.Equal(bottom.Select(e => e.Index), ranking.Bottom.Select(e => e.Index));
            for (int i = 0; i < k; i++)
            {
                Assert.Equal(top[i].Score, ranking.Top[i].Score, 4);
                Assert.Equal(bottom[i].Score, ranking.Bottom[i].Score, 4);
            }
        }
        // A thumbnail for every ranked image and for nothing else.
        var ranked = result.Rankings.SelectMany(r => r.Top.Concat(r.Bottom)).Select(e => e.Index).ToHashSet();
        Assert.Equal(ranked.OrderBy(i => i), result.Thumbnails.Keys.OrderBy(i => i));
        Assert.Equal(28, result.Thumbnails[ranked.First()].Width);
    }

    [Fact]
    public void ChannelUnitsRankByTheCapturedActivations()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var pixels = NpyFileInputs();
        using var data = ImageDatasets.FromTensor(pixels.clone());
        var units = new[] { Unit.ChannelMean("conv2", 3), Unit.ChannelMax("conv2", 3), Unit.Neuron("conv2", 3, 2, 5), Unit.LayerNorm("conv2") };

        var result = DatasetTopK.Run(model, data, units, 4, batchSize: 3, thumbnails: false);

        using var scope = NewDisposeScope();
        using var capture = model.Capture("conv2");
        using (no_grad()) model.Forward(pixels);
        var map = capture["conv2"];
        var expected = new[]
        {
            map[.., 3].mean(new long[] { 1, 2 }),
            map[.., 3].amax(new long[] { 1, 2 }),
            map[.., 3, 2, 5],
            map.pow(2).mean(new long[] { 1, 2, 3 }),
        };
        for (int u = 0; u < units.Length; u++)
        {
            float[] values = expected[u].data<float>().ToArray();
            var sorted = Enumerable.Range(0, 4).OrderByDescending(i => values[i]).ThenBy(i => i).ToList();
            Assert.Equal(sorted, result.Rankings[u].Top.Select(e => e.Index));
            // Scores come from batches of 3 and 1, the expectation from one batch of 4: other kernels, so a bound relative
            // to the largest value (xunit's 5 decimal places would compare rounded values, flaky near a boundary).
            float largest = values.Max(Math.Abs);
            foreach (var e in result.Rankings[u].Top)
                Assert.True(Math.Abs(values[e.Index] - e.Score) <= Attributions.LinearModelTests.AcrossKernels * largest, $"unit {u}, image {e.Index}: {e.Score} vs {values[e.Index]}");
        }
        Assert.Empty(result.Thumbnails);
    }

    private static Tensor NpyFileInputs() => Lumen.Imaging.NpyFile.Read(Fixtures.FmnistInputs);
}
