using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Compares a result with a reference array from Captum, Zennit or pytorch-grad-cam. The references were computed in
/// float32 by PyTorch; the same computation in float64 differs from them by at most about 1e-4 relative, so a correct
/// float32 implementation is within 1e-3 both as max |a - r| / max |r| and as ||a - r|| / ||r||.
/// </summary>
internal static class ReferenceComparison
{
    public const double RelativeTolerance = 1e-3;

    /// <summary>The two relative errors as text, for test output.</summary>
    public static string Describe(torch.Tensor reference, torch.Tensor actual)
    {
        var (maxError, l2Error) = Errors(reference, actual);
        return $"relative max error {maxError:E2}, relative L2 error {l2Error:E2}";
    }

    private static (double Max, double L2) Errors(torch.Tensor reference, torch.Tensor actual)
    {
        using var scope = torch.NewDisposeScope();
        var r = reference.to_type(torch.ScalarType.Float64);
        var a = actual.to_type(torch.ScalarType.Float64);
        double scale = r.abs().max().item<double>();
        return ((a - r).abs().max().item<double>() / scale, (a - r).norm().item<double>() / r.norm().item<double>());
    }

    public static void AssertMatches(torch.Tensor reference, torch.Tensor actual, double tolerance = RelativeTolerance)
    {
        Assert.Equal(reference.shape, actual.shape);
        using var scope = torch.NewDisposeScope();
        var r = reference.to_type(torch.ScalarType.Float64);
        var a = actual.to_type(torch.ScalarType.Float64);
        double scale = r.abs().max().item<double>();
        double maxError = (a - r).abs().max().item<double>() / scale;
        double l2Error = (a - r).norm().item<double>() / r.norm().item<double>();
        Assert.True(maxError <= tolerance, $"relative max error {maxError:E2} exceeds {tolerance:E0}");
        Assert.True(l2Error <= tolerance, $"relative L2 error {l2Error:E2} exceeds {tolerance:E0}");
    }
}
