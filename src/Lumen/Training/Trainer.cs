using System.Diagnostics;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Training;

/// <summary>Trains a classifier with Adam and cross-entropy on shuffled mini-batches, and measures accuracy.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="module"/> in place on <paramref name="data"/>. The batch order comes from
    /// <see cref="TrainingOptions.Seed"/>; the module is left in evaluation mode. The data may stay on the CPU: each
    /// batch goes to the module's device.
    /// </summary>
    /// <returns>One result per epoch.</returns>
    /// <exception cref="LumenException">The options are invalid (kind Usage).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the module keeps the weights of the last finished step.</exception>
    public static IReadOnlyList<EpochResult> Train(nn.Module<Tensor, Tensor> module, LabelledTensors data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stepsPerEpoch = (data.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var generator = new torch.Generator((ulong)options.Seed);
        var device = ComputeDevice.Of(module).Torch;
        using var optimizer = torch.optim.Adam(module.parameters(), options.LearningRate);
        var results = new List<EpochResult>();
        module.train();
        try
        {
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                using var order = torch.randperm(data.Count, generator: generator);
                double lossSum = 0;
                long correct = 0, seen = 0;
                for (var step = 0; step < stepsPerEpoch; step++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = torch.NewDisposeScope();
                    var count = Math.Min(options.BatchSize, data.Count - step * options.BatchSize);
                    var indices = order.narrow(0, step * options.BatchSize, count);
                    var inputs = data.Inputs.index_select(0, indices).to(device);
                    var labels = data.Labels.index_select(0, indices).to(device);
                    optimizer.zero_grad();
                    var logits = module.call(inputs);
                    var loss = nn.functional.cross_entropy(logits, labels);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * count;
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                    seen += count;
                    progress?.Report(new TrainingProgress(epoch, (epoch - 1) * stepsPerEpoch + step + 1, totalSteps, lossSum / seen, (double)correct / seen));
                }

                results.Add(new EpochResult(epoch, lossSum / seen, (double)correct / seen, clock.Elapsed.TotalSeconds));
            }
        }
        finally
        {
            module.eval();
        }

        return results;
    }

    /// <summary>The share of <paramref name="data"/> that <paramref name="module"/> (in evaluation mode) classifies correctly.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> module, LabelledTensors data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(data);
        using var predictions = Predict(module, data.Inputs, batchSize);
        using var hits = predictions.eq(data.Labels);
        using var total = hits.sum();
        return (double)total.item<long>() / data.Count;
    }

    /// <summary>
    /// The predicted class of every image of <paramref name="inputs"/>, in batches, without gradients; each batch runs on
    /// the module's device and the predictions are on the inputs' device.
    /// </summary>
    public static Tensor Predict(nn.Module<Tensor, Tensor> module, Tensor inputs, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var wasTraining = module.training;
        var device = ComputeDevice.Of(module).Torch;
        module.eval();
        var parts = new List<Tensor>();
        for (long start = 0; start < inputs.shape[0]; start += batchSize)
        {
            var count = Math.Min(batchSize, inputs.shape[0] - start);
            parts.Add(module.call(inputs.narrow(0, start, count).to(device)).argmax(1).to(inputs.device));
        }

        if (wasTraining) module.train();
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }
}
