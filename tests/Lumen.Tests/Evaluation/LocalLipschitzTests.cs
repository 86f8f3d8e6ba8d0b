using Lumen.Evaluation;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class LocalLipschitzTests
{
    [Fact]
    public void LinearModelGradientIsConstantAndGradientTimesInputMovesByTheWeight()
    {
        using var scope = NewDisposeScope();
        // One input element: Φ = w_c · x, so ‖Φ(x + ε) − Φ(x)‖ / ‖ε‖ = |w_c| for every copy.
        using var single = LinearModels.Linear(1, 1, 1, 3);
        Tensor x = torch.tensor(new float[] { 0.3f, 0.8f }).reshape(2, 1, 1, 1);
        var settings = new EvaluationSettings { SensitivitySamples = 4 };
        var target = Lumen.Models.Target.Classes(new[] { 0, 2 });
        var values = MetricTestContext.Run(LocalLipschitz.Instance, single, x, "gradient-x-input", settings, layer: null, target)["local-lipschitz"];
        Tensor weights = LinearModels.Weights(single);
        Assert.Equal(Math.Abs(weights[0, 0].item<float>()), values[0], 5);
        Assert.Equal(Math.Abs(weights[2, 0].item<float>()), values[1], 5);
        // The gradient of a linear model does not depend on the input: exactly 0.
        using var wide = LinearModels.Linear(1, 4, 4, 3);
        Tensor input = torch.rand(new long[] { 2, 1, 4, 4 }, generator: new Generator(1));
        Assert.All(MetricTestContext.Run(LocalLipschitz.Instance, wide, input, "saliency", settings, layer: null)["local-lipschitz"], v => Assert.Equal(0, v));
        var first = MetricTestContext.Run(LocalLipschitz.Instance, wide, input, "gradient-x-input", settings with { Seed = 3 }, layer: null)["local-lipschitz"];
        Assert.Equal(first, MetricTestContext.Run(LocalLipschitz.Instance, wide, input, "gradient-x-input", settings with { Seed = 3 }, layer: null)["local-lipschitz"]);
        Assert.NotEqual(first, MetricTestContext.Run(LocalLipschitz.Instance, wide, input, "gradient-x-input", settings with { Seed = 4 }, layer: null)["local-lipschitz"]);
    }
}
