using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class InfidelityTests
{
    [Fact]
    public void NormalisedInfidelityOfAHandExample()
    {
        // s = (1, 2), d = (1, 3): β = mean(s·d) / mean(s²) = 3.5 / 2.5 = 1.4; residuals 0.4, -0.2: mean of squares 0.1.
        Assert.Equal(0.1, Infidelity.Normalised(new double[] { 1, 2 }, new double[] { 1, 3 }), 12);
        // Every s = 0: β = mean(s·d) / 1 = 0 (Captum's safe division), so the value is mean(d²) = 5.
        Assert.Equal(5, Infidelity.Normalised(new double[] { 0, 0 }, new double[] { 1, 3 }), 12);
    }

    [Fact]
    public void GradientOfALinearModelHasZeroInfidelityAtAnyScale()
    {
        // f(x) = w·x + b: f(x) - f(x - I) = Σ I_p w_p, exactly the map w dotted with the perturbation.
        using var model = LinearModels.Linear(1, 5, 5, 4);
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(new long[] { 3, 1, 5, 5 }, generator: new Generator(2));
        Target target = Target.Classes(new[] { 0, 1, 3 });
        Tensor weights = LinearModels.Weights(model);
        Tensor gradient = torch.stack(new[] { weights[0], weights[1], weights[3] }).reshape(3, 5, 5);
        // Tolerance: d is a difference of float32 logits of size ~0.1·|w|·5 ≈ 0.1, rounded at ~1e-7; squared ≈ 1e-14.
        Assert.All(Infidelity.Compute(model, input, target, gradient, 10, 0.1, 64, seed: 0), v => Assert.InRange(v, 0, 1e-10));
        Assert.All(Infidelity.Compute(model, input, target, gradient * 7, 10, 0.1, 64, seed: 0), v => Assert.InRange(v, 0, 1e-10));
        Tensor random = torch.rand(new long[] { 3, 5, 5 }, generator: new Generator(9));
        Assert.All(Infidelity.Compute(model, input, target, random, 10, 0.1, 64, seed: 0), v => Assert.True(v > 1e-4));
    }

    [Fact]
    public void SameSeedGivesTheSameValuesAndAnotherSeedOtherNoise()
    {
        using var model = LinearModels.Linear(1, 5, 5, 4);
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(new long[] { 2, 1, 5, 5 }, generator: new Generator(2));
        Tensor random = torch.rand(new long[] { 2, 5, 5 }, generator: new Generator(9));
        Target target = Target.Classes(new[] { 2, 2 });
        double[] first = Infidelity.Compute(model, input, target, random, 6, 0.1, 64, seed: 1);
        Assert.Equal(first, Infidelity.Compute(model, input, target, random, 6, 0.1, 64, seed: 1));
        Assert.NotEqual(first, Infidelity.Compute(model, input, target, random, 6, 0.1, 64, seed: 2));
    }
}
