using Lumen.Runtime;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Runtime;

public class OpenMpSpinTests
{
    [Theory]
    [InlineData(null, null, false, true)]
    [InlineData("", "", false, true)]
    [InlineData("300000", null, false, false)]
    [InlineData(null, "ACTIVE", false, false)]
    [InlineData(null, null, true, false)]
    [InlineData(null, null, null, false)]
    public void TheSpinCountIsSetOnlyWhenTheUserHasNotAndTheRuntimeIsNotLoaded(string? spinCount, string? waitPolicy, bool? loaded, bool expected) =>
        Assert.Equal(expected, OpenMpSpin.ShouldSet(spinCount, waitPolicy, loaded));

    [Fact]
    public void OnceLibtorchIsLoadedNothingChanges()
    {
        using var tensor = torch.ones(2, 2);
        string? before = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        Assert.False(OpenMpSpin.Shorten());
        Assert.Equal(before, Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"));
    }
}
