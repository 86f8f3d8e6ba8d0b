using Lumen.Attributions.Perturbation;
using Lumen.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Evaluation;

public class RoadTests
{
    [Fact]
    public void ARemovedPixelBecomesTheWeightedMeanOfItsNeighbours()
    {
        using var scope = NewDisposeScope();
        // Centre of [[1, 2, 3], [4, ?, 6], [7, 8, 9]]: direct neighbours (2+4+6+8)/6 plus diagonal ones (1+3+7+9)/12 = 5;
        // of [[0, 0, 0], [0, ?, 1], [0, 0, 0]]: 1/6.
        Tensor images = torch.tensor(new float[] { 1, 2, 3, 4, 100, 6, 7, 8, 9, 0, 0, 0, 0, 100, 1, 0, 0, 0 }).reshape(2, 1, 3, 3);
        Tensor removed = torch.zeros(2, 3, 3, dtype: ScalarType.Bool);
        removed[.., 1, 1] = torch.tensor(true);
        Tensor imputed = NoisyLinearImputation.Impute(images, removed, 0, new Random(0));
        Assert.Equal(5, imputed[0, 0, 1, 1].item<float>(), 5);
        Assert.Equal(1 / 6.0, imputed[1, 0, 1, 1].item<float>(), 5);
        Assert.Equal(9, imputed[0, 0, 2, 2].item<float>());
        // A corner pixel has three neighbours inside the image: (1/6 · 2 + 1/6 · 4 + 1/12 · 5) / (1/6 + 1/6 + 1/12) = 3.4.
        Tensor corner = torch.zeros(1, 3, 3, dtype: ScalarType.Bool);
        corner[0, 0, 0] = torch.tensor(true);
        Tensor cornerImage = torch.tensor(new float[] { 100, 2, 3, 4, 5, 6, 7, 8, 9 }).reshape(1, 1, 3, 3);
        Assert.Equal(3.4, NoisyLinearImputation.Impute(cornerImage, corner, 0, new Random(0))[0, 0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void AnInteriorHoleInALinearRampIsFilledExactlyAndNoiseIsSeeded()
    {
        using var scope = NewDisposeScope();
        // A linear function equals the symmetric weighted mean of its neighbours, so the ramp is the unique solution.
        Tensor rows = torch.arange(8, dtype: ScalarType.Float32).unsqueeze(1), columns = torch.arange(8, dtype: ScalarType.Float32).unsqueeze(0);
        Tensor ramp = (0.1f * rows + 0.2f * columns).reshape(1, 1, 8, 8).expand(1, 3, 8, 8).contiguous();
        Tensor hole = torch.zeros(1, 8, 8, dtype: ScalarType.Bool);
        hole[0, TensorIndex.Slice(2, 6), TensorIndex.Slice(1, 7)] = torch.tensor(true);
        Tensor broken = torch.where(hole.unsqueeze(1), torch.full_like(ramp, 50f), ramp);
        Tensor filled = NoisyLinearImputation.Impute(broken, hole, 0, new Random(0));
        Assert.True(filled.allclose(ramp, rtol: 0, atol: 1e-5), $"largest error {(filled - ramp).abs().max().item<float>()}");
        Tensor noisy = NoisyLinearImputation.Impute(broken, hole, 0.01, new Random(4));
        Assert.True(noisy.eq(NoisyLinearImputation.Impute(broken, hole, 0.01, new Random(4))).all().item<bool>());
        Tensor noise = (noisy - filled).masked_select(hole.unsqueeze(1).expand(1, 3, 8, 8));
        Assert.InRange(noise.std().item<float>(), 0.007, 0.013); // 72 draws of N(0, 0.01²)
        Assert.Equal(0, (noisy - filled).masked_select(hole.logical_not().unsqueeze(1).expand(1, 3, 8, 8)).abs().max().item<float>());
    }

    [Fact]
    public void RemovingWhatIntegratedGradientsAndGradcamRankFirstHurtsMoreThanRemovingTheLast()
    {
        var (model, input) = MetricTestContext.Reference();
        using (model)
        using (input)
        {
            var settings = new EvaluationSettings { RoadPercentages = new[] { 10, 30, 50 } };
            foreach (string method in new[] { "integrated-gradients", "gradcam" })
            {
                var values = MetricTestContext.Run(Road.Instance, model, input, method, settings);
                Assert.Equal(new[] { "road-morf", "road-lerf", "road-morf:10", "road-lerf:10", "road-morf:30", "road-lerf:30", "road-morf:50", "road-lerf:50" }, values.Keys);
                Assert.True(values["road-morf"].Average() + 0.1 < values["road-lerf"].Average(), $"{method}: MoRF {values["road-morf"].Average():F3}, LeRF {values["road-lerf"].Average():F3}");
                for (int image = 0; image < 4; image++)
                    Assert.Equal((values["road-morf:10"][image] + values["road-morf:30"][image] + values["road-morf:50"][image]) / 3, values["road-morf"][image], 9);
            }
            var again = MetricTestContext.Run(Road.Instance, model, input, "gradcam", settings);
            Assert.Equal(MetricTestContext.Run(Road.Instance, model, input, "gradcam", settings)["road-morf"], again["road-morf"]);
        }
    }
}
