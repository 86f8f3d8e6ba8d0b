using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>The shared evaluator: chunks across images, scores per image's class, progress and cancellation.</summary>
public sealed class BatchedEvaluatorTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);

    /// <summary>Copy k of image n is the image scaled by (k + 1) / perImage.</summary>
    private sealed class Scaled : IPerturbations
    {
        private readonly Tensor input;

        public Scaled(Tensor input, long perImage)
        {
            this.input = input;
            PerImage = perImage;
        }

        public long PerImage { get; }

        public List<(int Image, long First, long Count)> Calls { get; } = new();

        public Tensor Build(int image, long first, long count)
        {
            Calls.Add((image, first, count));
            var factors = torch.arange(first + 1, first + count + 1, dtype: ScalarType.Float32).reshape(-1, 1, 1, 1) / PerImage;
            return input[image].unsqueeze(0) * factors;
        }
    }

    [Theory]
    [InlineData(ScoreOutput.Logit)]
    [InlineData(ScoreOutput.Probability)]
    public void ScoresEveryCopyForItsImagesClassInChunksThatSpanImages(ScoreOutput output)
    {
        var reports = new List<PerturbationProgress>();
        var evaluator = new BatchedEvaluator(model, new EvaluationOptions { BatchSize = 4, Output = output, Progress = new Recorder(reports) });
        var resolved = evaluator.Resolve(inputs, Target.Predicted);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), resolved.Classes);
        var perturbations = new Scaled(inputs, 3);
        using var scores = evaluator.Evaluate(resolved, perturbations);
        Assert.Equal(new long[] { 4, 3 }, scores.shape);
        Assert.Contains(perturbations.Calls, call => call.Count < 3 && call.First > 0);
        Assert.Equal(new long[] { 4, 8, 12 }, reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(12, r.Total));
        for (int n = 0; n < 4; n++)
        {
            for (int k = 0; k < 3; k++)
            {
                using var copy = inputs[n].unsqueeze(0) * ((k + 1) / 3f);
                using var logits = model.Predict(copy);
                using var outputs = output == ScoreOutput.Logit ? logits.alias() : logits.softmax(1);
                Assert.Equal(outputs[0, Fixtures.ReferenceTargets[n]].item<float>(), scores[n, k].item<float>(), 4);
            }
        }
        Assert.Equal(scores[0, 2].item<float>(), resolved.Scores[0], 4);
    }

    [Fact]
    public void StopsWhenCancelledAndRefusesABadBatchSize()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var evaluator = new BatchedEvaluator(model, new EvaluationOptions { Cancellation = cancel.Token });
        var resolved = evaluator.Resolve(inputs, Target.Predicted);
        Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Evaluate(resolved, new Scaled(inputs, 2)));
        Assert.Contains("batch-size=0", Assert.Throws<LumenException>(() => new BatchedEvaluator(model, new EvaluationOptions { BatchSize = 0 })).Message);
    }

    private sealed class Recorder : IProgress<PerturbationProgress>
    {
        private readonly List<PerturbationProgress> reports;

        public Recorder(List<PerturbationProgress> reports) => this.reports = reports;

        public void Report(PerturbationProgress value) => reports.Add(value);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
