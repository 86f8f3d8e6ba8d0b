using Lumen.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Training;

// Seeded training draws from torch's global generator: run alone, so no test building a model in parallel consumes it.
[Collection(SerialCollection.Name)]
public sealed class TrainerTests
{
    /// <summary>Two classes told apart by the brightness of the left half: any working trainer separates them.</summary>
    private static LabelledTensors SeparableData(int count, int seed)
    {
        var generator = new torch.Generator((ulong)seed);
        var labels = torch.randint(0, 2, [count], generator: generator);
        var images = torch.rand([count, 1, 8, 8], generator: generator) * 0.5f;
        var left = images.narrow(3, 0, 4);
        left.add_(labels.to_type(ScalarType.Float32).view(-1, 1, 1, 1) * 0.5f);
        return new LabelledTensors(images, labels);
    }

    private static nn.Module<Tensor, Tensor> SmallNet(int seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("flatten", nn.Flatten()), ("fc1", nn.Linear(64, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 2)));
    }

    [Fact]
    public void TrainingLowersTheLossAndSeparatesTheClasses()
    {
        using var data = SeparableData(512, 1);
        using var test = SeparableData(256, 2);
        using var model = SmallNet(0);
        var before = Trainer.Accuracy(model, test);
        var epochs = Trainer.Train(model, data, new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 1e-2 });
        Assert.Equal(3, epochs.Count);
        Assert.True(epochs[^1].Loss < epochs[0].Loss, $"loss {epochs[0].Loss} -> {epochs[^1].Loss}");
        Assert.True(Trainer.Accuracy(model, test) > 0.95, $"accuracy {before} -> {Trainer.Accuracy(model, test)}");
        Assert.False(model.training);
    }

    [Fact]
    public void TheSameSeedGivesTheSameWeights()
    {
        using var data = SeparableData(256, 3);
        float[] Train()
        {
            using var model = SmallNet(7);
            Trainer.Train(model, data, new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 5 });
            return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void ProgressCountsEveryStep()
    {
        using var data = SeparableData(100, 4);
        using var model = SmallNet(0);
        var steps = new List<TrainingProgress>();
        Trainer.Train(model, data, new TrainingOptions { Epochs = 2, BatchSize = 30 }, new SyncProgress(steps.Add));
        Assert.Equal(8, steps.Count);
        Assert.Equal(Enumerable.Range(1, 8), steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Equal(8, s.TotalSteps));
    }

    [Theory]
    [InlineData(0, 32, 1e-3, "epochs")]
    [InlineData(1, 0, 1e-3, "batch size")]
    [InlineData(1, 32, -1.0, "learning rate")]
    public void BadOptionsAreUsageErrors(int epochs, int batch, double rate, string word)
    {
        var error = Assert.Throws<LumenException>(() => new TrainingOptions { Epochs = epochs, BatchSize = batch, LearningRate = rate }.Validate());
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains(word, error.Message);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
