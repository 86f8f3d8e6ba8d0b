using Lumen.Attributions.Perturbation;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Perturbation;

/// <summary>LIME with pixel noise recovers the sparse slopes of a linear model and behaves on the reference CNN.</summary>
public sealed class LimeNoiseTests
{
    [Theory]
    [InlineData(FeatureSelectionMethod.LassoPath)]
    [InlineData(FeatureSelectionMethod.ForwardSelection)]
    public void RecoversTheFivePixelsAndSlopesOfASparseLinearModel(FeatureSelectionMethod selection)
    {
        var pixels = new[] { 3, 17, 30, 44, 60 };
        var slopes = new[] { 2.0f, -1.5f, 0.7f, 3.0f, -0.4f };
        using var weights = torch.zeros(2, 64);
        for (int i = 0; i < 5; i++) weights[0, pixels[i]] = slopes[i];
        using var region = torch.zeros(8, 8);
        using var model = RegionModels.Looking(region.fill_(1), 1);
        using (no_grad()) ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).weight!.copy_(weights);
        using var image = torch.rand(1, 1, 8, 8, generator: new torch.Generator(1));
        var method = new LimeNoise(model, samples: 150, radius: 0.05, features: 5, selection: selection, seed: 3);
        using var attribution = method.Attribute(image, Target.Class(0));
        var map = attribution.Values.flatten().data<float>().ToArray();
        for (int p = 0; p < 64; p++)
        {
            int index = Array.IndexOf(pixels, p);
            Assert.Equal(index >= 0 ? slopes[index] : 0f, map[p], 3);
        }
        Assert.Equal(1, attribution.Extras["r2"][0], 6);
        Assert.Equal(64, attribution.Extras["features"][0]);
    }

    [Fact]
    public void OnTheReferenceCnnKeepsKPixelsAndRepeatsWithTheSeed()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var two = inputs.narrow(0, 0, 2);
        var method = new LimeNoise(model, samples: 120, features: 10, seed: 2, options: new EvaluationOptions { BatchSize = 50 });
        using var first = method.Attribute(two, Target.Predicted);
        using var again = new LimeNoise(model, samples: 120, features: 10, seed: 2).Attribute(two, Target.Predicted);
        LinearModelTests.AssertClose(first.Values, again.Values, 1e-5f);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, first.Values.shape);
        for (int n = 0; n < 2; n++)
        {
            using var nonZero = first.Values[n].ne(0).sum();
            Assert.InRange(nonZero.item<long>(), 1, 10);
            Assert.InRange(first.Extras["r2"][n], 0.0, 1.0);
        }
        Assert.Equal(8, method.ResolvedCell(224, 224));
    }
}
