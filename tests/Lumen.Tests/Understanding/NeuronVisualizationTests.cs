using Lumen.Models;
using Lumen.Understanding;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Understanding;

/// <summary>
/// A case with a known answer: a conv1 neuron before the ReLU is a linear function w·patch + b of its 3x3 receptive
/// field, so over pixels in [0, 1] it is maximal where every pixel with a positive weight is 1 and every pixel with a
/// negative weight is 0. Clipped pixel ascent must find exactly that pattern.
/// </summary>
public class NeuronVisualizationTests
{
    [Fact]
    public void Conv1NeuronsReachTheSignPatternOfTheirFilter()
    {
        using var threads = TorchThreads.One();
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var units = Enumerable.Range(0, 16).Select(c => Unit.Neuron("conv1", c, 14, 14)).ToList();
        var options = new ActivationMaximizationOptions
        {
            Parameterization = ImageParameterizationKind.Pixel, Init = InitKind.Constant, InitValue = 0.5,
            Steps = 60, LearningRate = 0.05, BatchSize = 16, Jitter = 0, Scale = 0, Rotation = 0,
        };

        using var result = new ActivationMaximization(model, options).Run(units);

        using var scope = NewDisposeScope();
        var weights = ((TorchSharp.Modules.Conv2d)model.ResolveLayer("conv1")).weight!; // [16, 1, 3, 3]
        var bias = ((TorchSharp.Modules.Conv2d)model.ResolveLayer("conv1")).bias!;
        for (int c = 0; c < 16; c++)
        {
            var patch = result.Pixels[c, 0, 13..16, 13..16];
            var expected = weights[c, 0].gt(0).to_type(ScalarType.Float32);
            var nonzero = weights[c, 0].abs().gt(1e-6);
            Assert.True(patch.sub(expected).abs().masked_select(nonzero).max().item<float>() < 1e-3, $"channel {c}: {patch.str()} vs {expected.str()}");
            float optimum = weights[c, 0].clamp_min(0).sum().item<float>() + bias[c].item<float>();
            Assert.Equal(optimum, result.FinalValues[c], 3);
        }
    }
}
