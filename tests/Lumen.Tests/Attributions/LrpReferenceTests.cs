using Lumen.Attributions.Relevance;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Attributions;

/// <summary>
/// LRP on the reference CNN against zennit 0.5.1 and captum 0.7.0 (fixtures/reference, see its README): the relevance
/// at the input and the conservation sums. Tolerance: <see cref="ReferenceComparison.RelativeTolerance"/> (1e-3
/// relative, max and L2).
/// </summary>
public sealed class LrpReferenceTests : IDisposable
{
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly torch.Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);
    private readonly ITestOutputHelper output;

    public LrpReferenceTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<string> ZennitComposites => new() { "epsilon", "epsilon-plus-flat", "epsilon-gamma-box", "epsilon-alpha2-beta1" };

    [Theory]
    [MemberData(nameof(ZennitComposites))]
    public void MatchesZennit(string composite)
    {
        using var low = torch.tensor(0f);
        using var high = torch.tensor(1f);
        var lrp = new Lrp(model, Composites.ByName(composite, 1e-6, 0.25, low, high));
        using var result = lrp.Explain(inputs, target);
        string id = "zennit_" + composite.Replace('-', '_');
        using var expected = NpyFile.Read(Fixtures.Attribution(id));
        Report(id, expected, result.Attribution.Values);
        ReferenceComparison.AssertMatches(expected, result.Attribution.Values);

        using var conservation = NpyFile.Read(Fixtures.Attribution(id + "__conservation"));
        for (int n = 0; n < 4; n++)
        {
            double inputSum = conservation[n, 0].item<float>();
            double logit = conservation[n, 1].item<float>();
            Assert.Equal(logit, result.Conservation.OutputRelevance[n], 4);
            Assert.True(Math.Abs(result.Conservation.InputRelevance[n] - inputSum) <= 1e-3 * Math.Max(1, Math.Abs(inputSum)),
                $"image {n}: input relevance {result.Conservation.InputRelevance[n]} vs zennit {inputSum}");
        }
    }

    [Fact]
    public void EpsilonOneEMinusNineMatchesCaptumLrp()
    {
        var lrp = new Lrp(model, Composites.Epsilon(1e-9));
        using var result = lrp.Explain(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution("captum_lrp"));
        Report("captum_lrp", expected, result.Attribution.Values);
        ReferenceComparison.AssertMatches(expected, result.Attribution.Values);
    }

    [Fact]
    public void TheBatchIsExplainedAsEachImageAlone()
    {
        var lrp = new Lrp(model, Composites.EpsilonGammaBox(torch.tensor(0f), torch.tensor(1f)));
        using var batch = lrp.Explain(inputs, target);
        for (int i = 0; i < 4; i++)
        {
            using var single = lrp.Explain(inputs.narrow(0, i, 1), Target.Class(Fixtures.ReferenceTargets[i]));
            LinearModelTests.AssertClose(single.Attribution.Values[0], batch.Attribution.Values[i], 1e-5f);
        }
    }

    private void Report(string id, torch.Tensor expected, torch.Tensor actual)
    {
        using var scope = torch.NewDisposeScope();
        var r = expected.to_type(torch.ScalarType.Float64);
        var a = actual.to_type(torch.ScalarType.Float64);
        double max = ((a - r).abs().max() / r.abs().max()).item<double>();
        double l2 = ((a - r).norm() / r.norm()).item<double>();
        output.WriteLine($"{id}: relative max error {max:E2}, relative L2 error {l2:E2}");
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}
