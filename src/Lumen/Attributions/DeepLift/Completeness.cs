using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>The completeness error of an attribution: Σ r − (f(x) − f(x′)) per image, summed in double precision.</summary>
internal static class Completeness
{
    /// <summary>Σ r_n − (score_n − referenceScore_n) for every image n.</summary>
    public static double[] Delta(Tensor attributions, IReadOnlyList<float> scores, Tensor referenceScores)
    {
        using var scope = NewDisposeScope();
        Tensor sums = attributions.flatten(1).to_type(ScalarType.Float64).sum(dim: 1);
        Tensor expected = torch.tensor(scores.ToArray(), device: attributions.device).to_type(ScalarType.Float64) - referenceScores.to_type(ScalarType.Float64);
        return (sums - expected).cpu().data<double>().ToArray();
    }
}
