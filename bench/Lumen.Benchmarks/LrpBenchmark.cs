using BenchmarkDotNet.Attributes;
using Lumen.Attributions.Relevance;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The cost of LRP on one 224x224 image of resnet18 (random weights) as a ratio to one forward and one backward pass
/// to the input measured in the same run (the baseline).
/// </summary>
public class LrpBenchmark : Resnet18Benchmark
{
    private Lrp epsilonPlusFlat = null!;
    private Lrp epsilonGammaBox = null!;

    protected override void CreateMethods()
    {
        epsilonPlusFlat = new Lrp(Model, Composites.EpsilonPlusFlat());
        var (low, high) = LrpSettings.DefaultBounds(Model);
        epsilonGammaBox = new Lrp(Model, Composites.EpsilonGammaBox(low, high));
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "lrp epsilon-plus-flat")]
    public int EpsilonPlusFlat() => Run(epsilonPlusFlat);

    [Benchmark(Description = "lrp epsilon-gamma-box")]
    public int EpsilonGammaBox() => Run(epsilonGammaBox);
}
