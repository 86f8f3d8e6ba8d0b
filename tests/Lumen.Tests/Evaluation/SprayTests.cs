using Lumen.Attributions;
using Lumen.Data;
using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Shortcuts;
using Lumen.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

[Collection(SerialCollection.Name)]
public class SprayTests
{
    private readonly ITestOutputHelper output;

    public SprayTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// A quickly trained shortcut model (fmnist-net, 6000 training images, 90 % of the shirts tagged) and 100 test
    /// shirts of which every other one carries the tag: SpRAy on LRP maps must find a cluster holding at least 90 % of
    /// the tagged shirts at a purity of at least 90 %.
    /// </summary>
    [Fact]
    public void FindsTheWatermarkedShirtsOfAShortcutModel()
    {
        var settings = new ShortcutSettings();
        using var scope = NewDisposeScope();
        using var trainSet = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "train");
        using var clean = new LabelledTensors(trainSet.LoadPixels(0, 6000), torch.tensor(trainSet.Labels!.Take(6000).ToArray()));
        var (watermarked, _) = ShortcutData.Watermarked(clean, settings);
        using var training = watermarked;
        torch.manual_seed(0);
        var module = ModelCatalog.Find(FmnistNet.Name).Create(10);
        Trainer.Train(module, training, new TrainingOptions { Epochs = 1 });
        using var model = new ExplainableModel(module, FmnistNet.Name, new long[] { 1, 28, 28 });

        using var testSet = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        var shirts = testSet.Labels!.Select((label, index) => (label, index)).Where(p => p.label == settings.TargetClass).Take(100).Select(p => (long)p.index).ToArray();
        Tensor pixels = testSet.LoadPixels(0, 10000).index_select(0, torch.tensor(shirts));
        bool[] tagged = Enumerable.Range(0, shirts.Length).Select(i => i % 2 == 0).ToArray();
        Tensor images = settings.Watermark.Stamp(pixels, tagged);

        var lrp = MethodCatalog.Find("lrp").Build(model, new MethodOptions());
        using var result = Spray.Run(model, images, settings.TargetClass, lrp, new SprayOptions());
        output.WriteLine($"clusters {result.Clusters.ClusterCount}, sizes {string.Join(",", result.Sizes)}, eigenvalues {string.Join(" ", result.Clusters.Eigenvalues.Select(v => v.ToString("F3")))}");
        int best = -1;
        double bestRecall = 0, bestPurity = 0;
        for (int c = 0; c < result.Clusters.ClusterCount; c++)
        {
            int members = result.Labels.Count(l => l == c);
            int taggedMembers = Enumerable.Range(0, shirts.Length).Count(i => result.Labels[i] == c && tagged[i]);
            double recall = taggedMembers / (double)tagged.Count(t => t), purity = taggedMembers / (double)members;
            output.WriteLine($"cluster {c}: {members} images, {taggedMembers} tagged: recall {recall:P0}, purity {purity:P0}");
            if (recall >= 0.9 && purity >= 0.9) (best, bestRecall, bestPurity) = (c, recall, purity);
        }
        Assert.True(best >= 0, "no cluster holds >= 90 % of the tagged shirts at >= 90 % purity");
        Assert.Equal(result.Clusters.ClusterCount, (int)result.MeanRelevance.shape[0]);
    }
}
