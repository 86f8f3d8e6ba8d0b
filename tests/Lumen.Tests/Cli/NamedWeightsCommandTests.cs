using Lumen.Data.Downloads;
using Lumen.Models.Weights;
using Lumen.Tests.Data;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// <c>--weights imagenet</c> and <c>--weights torchvision:NAME</c> on the command line. The download test sets the
/// process-wide LUMEN_CACHE and LUMEN_WEIGHTS_URL, so it runs in the serial collection.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NamedWeightsCommandTests
{
    [Fact]
    public void UnknownWeightNameIsAUsageErrorListingTheAvailableOnes()
    {
        var result = CliRunner.Run("layers", "--model", "resnet50", "--weights", "torchvision:resnet50.IMAGENET1K_V3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("torchvision:resnet50.IMAGENET1K_V1, torchvision:resnet50.IMAGENET1K_V2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsListsTheWeightNames()
    {
        var result = CliRunner.Run("models");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("weights: torchvision:resnet50.IMAGENET1K_V1, torchvision:resnet50.IMAGENET1K_V2 (= imagenet)", result.Output, StringComparison.Ordinal);
        Assert.Contains("torchvision:mobilenet_v2.IMAGENET1K_V2 (= imagenet)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagenetForResnet18FetchesTorchVisionsFileFromTheMirrorAndSaysWhereToPutItWhenOffline()
    {
        using var cache = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 404; context.Response.Close(); });
        var paths = new List<string>();
        string? oldCache = Environment.GetEnvironmentVariable(LumenCache.Variable);
        string? oldMirror = Environment.GetEnvironmentVariable(PretrainedWeights.MirrorVariable);
        try
        {
            Environment.SetEnvironmentVariable(LumenCache.Variable, cache.Path);
            Environment.SetEnvironmentVariable(PretrainedWeights.MirrorVariable, server.BaseAddress.ToString());
            var result = CliRunner.Run("layers", "--model", "resnet18", "--weights", "imagenet");
            Assert.Equal(3, result.ExitCode);
            string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{server.BaseAddress}resnet18-f37072fd.pth", line, StringComparison.Ordinal);
            Assert.Contains($"put it at {Path.Combine(cache.Path, "weights", "resnet18-f37072fd.pth")}", line, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(cache.Path, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LumenCache.Variable, oldCache);
            Environment.SetEnvironmentVariable(PretrainedWeights.MirrorVariable, oldMirror);
        }
    }

    [Fact]
    public void MirrorThatIsNotAUrlIsAUsageError()
    {
        string? old = Environment.GetEnvironmentVariable(PretrainedWeights.MirrorVariable);
        try
        {
            Environment.SetEnvironmentVariable(PretrainedWeights.MirrorVariable, "not a url");
            var result = CliRunner.Run("layers", "--model", "resnet18", "--weights", "imagenet");
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(PretrainedWeights.MirrorVariable, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PretrainedWeights.MirrorVariable, old);
        }
    }
}
