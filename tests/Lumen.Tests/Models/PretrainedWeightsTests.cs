using System.Security.Cryptography;
using Lumen.Data.Downloads;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Models.Weights;
using Lumen.Tests.Data;
using Xunit;

namespace Lumen.Tests.Models;

/// <summary>
/// TorchVision's weights by name: the table, name resolution, and the download into the cache against a local HTTP
/// server (a good file, a wrong hash, 404, connections cut once and every time, a cached file that changed).
/// </summary>
public sealed class PretrainedWeightsTests
{
    [Fact]
    public void EveryImageNetArchitectureHasPublishedWeightsAndOneDefault()
    {
        foreach (ModelDefinition definition in ImageNetArchitectures.All)
        {
            var weights = PretrainedWeights.For(definition.Name);
            Assert.NotEmpty(weights);
            Assert.Single(weights, w => w.IsDefault);
        }

        Assert.All(PretrainedWeights.All, w =>
        {
            Assert.Equal(ModelCatalog.Find(w.Architecture).Name, w.Architecture);
            Assert.Matches("^[0-9a-f]{8,}$", w.Sha256Prefix);
        });
    }

    [Theory]
    [InlineData("resnet18", "imagenet", "resnet18-f37072fd.pth")]
    [InlineData("resnet18", "torchvision:resnet18.IMAGENET1K_V1", "resnet18-f37072fd.pth")]
    [InlineData("resnet50", "imagenet", "resnet50-11ad3fa6.pth")]
    [InlineData("resnet50", "torchvision:resnet50.DEFAULT", "resnet50-11ad3fa6.pth")]
    [InlineData("resnet50", "torchvision:resnet50.IMAGENET1K_V1", "resnet50-0676ba61.pth")]
    [InlineData("alexnet", "imagenet", "alexnet-owt-7be5be79.pth")]
    [InlineData("vit_b_16", "imagenet", "vit_b_16-c867db91.pth")]
    [InlineData("vit_b_32", "torchvision:vit_b_32.IMAGENET1K_V1", "vit_b_32-d86f8d99.pth")]
    [InlineData("vit_l_16", "imagenet", "vit_l_16-852ce7e3.pth")]
    public void NamesResolveToTorchVisionsFiles(string architecture, string name, string file)
    {
        PretrainedWeight weight = PretrainedWeights.Resolve(architecture, name);
        Assert.Equal(file, weight.FileName);
        Assert.Equal(new Uri("https://download.pytorch.org/models/" + file), new Uri(PretrainedWeights.PublishedAddress, weight.FileName));
    }

    [Fact]
    public void V2RecipesResizeTo232()
    {
        Assert.Equal(232, PretrainedWeights.Resolve("resnet50", "imagenet").ResizeSize);
        Assert.Equal(256, PretrainedWeights.Resolve("resnet18", "imagenet").ResizeSize);
        var preprocessing = PretrainedWeights.Resolve("resnet50", "imagenet").PreprocessingFrom(ModelCatalog.Find("resnet50").InputPreprocessing);
        Assert.Equal(232, preprocessing.Resize);
        Assert.Equal(new Lumen.Imaging.CropSize(224, 224), preprocessing.CenterCrop);
    }

    [Theory]
    [InlineData("resnet18", "torchvision:resnet18.IMAGENET1K_V9")]
    [InlineData("resnet18", "torchvision:resnet50.IMAGENET1K_V2")]
    [InlineData("resnet18", "torchvision:nonsense")]
    public void UnknownNamesAreUsageErrorsListingTheAvailableOnes(string architecture, string name)
    {
        var error = Assert.Throws<LumenException>(() => PretrainedWeights.Resolve(architecture, name));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("available: imagenet, torchvision:resnet18.IMAGENET1K_V1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchitectureWithoutPublishedWeightsIsAUsageError()
    {
        var error = Assert.Throws<LumenException>(() => PretrainedWeights.Resolve("fmnist-cnn", "imagenet"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("resnet18", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodFileIsDownloadedOnceVerifiedAndLoads()
    {
        using var folder = new TempDirectory();
        byte[] content = TinyStateDict(folder);
        PretrainedWeight weight = WeightFor(content);
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, content));
        string cache = Path.Combine(folder.Path, "weights");
        string path = Locate(weight, cache, server);
        Assert.Equal(Path.Combine(cache, weight.FileName), path);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(path, Locate(weight, cache, server)); // from the cache: no second request
        Assert.Single(server.Ranges);
        using var model = ModelCatalog.Load("fmnist-cnn", path);
        Assert.Equal(10, model.ClassCount);
    }

    [Fact]
    public void WrongHashLeavesNothingAndNamesTheUrlAndThePath()
    {
        using var folder = new TempDirectory();
        byte[] content = [1, 2, 3, 4];
        var weight = new PretrainedWeight("fmnist-cnn", "TEST", "tiny-00000000.pth", true, 28);
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, content));
        string cache = Path.Combine(folder.Path, "weights");
        var error = Assert.Throws<LumenException>(() => Locate(weight, cache, server));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"SHA256 {FileDownloaderTests.Sha256(content)}, expected 00000000...", error.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(server.BaseAddress, weight.FileName).ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains($"put it at {Path.Combine(cache, weight.FileName)}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void NotFoundLeavesNothing()
    {
        using var folder = new TempDirectory();
        var weight = new PretrainedWeight("fmnist-cnn", "TEST", "tiny-0123abcd.pth", true, 28);
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 404; context.Response.Close(); });
        string cache = Path.Combine(folder.Path, "weights");
        var error = Assert.Throws<LumenException>(() => Locate(weight, cache, server));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains(PretrainedWeights.MirrorVariable, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFiles(cache).Any());
    }

    [Fact]
    public void ConnectionCutMidFileIsResumed()
    {
        using var folder = new TempDirectory();
        byte[] content = TinyStateDict(folder);
        PretrainedWeight weight = WeightFor(content);
        int cut = content.Length / 3;
        using var server = new LocalHttpServer((context, request) => LocalHttpServer.Serve(context, content, request == 1 ? cut : null));
        string path = Locate(weight, Path.Combine(folder.Path, "weights"), server);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal([null, $"bytes={cut}-"], server.Ranges);
    }

    [Fact]
    public void ConnectionCutEveryTimeLeavesNothing()
    {
        using var folder = new TempDirectory();
        byte[] content = TinyStateDict(folder);
        PretrainedWeight weight = WeightFor(content);
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, content, cutAfter: 1_000));
        string cache = Path.Combine(folder.Path, "weights");
        var error = Assert.Throws<LumenException>(() =>
            PretrainedWeights.Locate(weight, cache, server.BaseAddress, new FileDownloader { Attempts = 3 }, null, CancellationToken.None));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("(3 attempts)", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void CachedFileThatNoLongerMatchesIsDownloadedAgain()
    {
        using var folder = new TempDirectory();
        byte[] content = TinyStateDict(folder);
        PretrainedWeight weight = WeightFor(content);
        string cache = Path.Combine(folder.Path, "weights");
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, weight.FileName), [9, 9, 9]);
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, content));
        string path = Locate(weight, cache, server);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Single(server.Ranges);
    }

    [Fact]
    public void FilePutInTheCacheByHandIsUsedWithoutTheNetwork()
    {
        using var folder = new TempDirectory();
        byte[] content = TinyStateDict(folder);
        PretrainedWeight weight = WeightFor(content);
        string cache = Path.Combine(folder.Path, "weights");
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, weight.FileName), content);
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 500; context.Response.Close(); });
        Assert.Equal(Path.Combine(cache, weight.FileName), Locate(weight, cache, server));
        Assert.Empty(server.Ranges);
    }

    private static string Locate(PretrainedWeight weight, string cache, LocalHttpServer server) =>
        PretrainedWeights.Locate(weight, cache, server.BaseAddress, new FileDownloader(), null, CancellationToken.None);

    /// <summary>A real PyTorch state_dict (.pth) of the tiny fmnist-cnn.</summary>
    private static byte[] TinyStateDict(TempDirectory folder)
    {
        using var model = ModelCatalog.Load("fmnist-cnn");
        string path = folder.File("tiny.pth");
        WeightLoader.Save(model.Module, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    /// <summary>A weight whose published name carries the first 8 hexadecimal digits of the content's SHA-256, as TorchVision's do.</summary>
    private static PretrainedWeight WeightFor(byte[] content) =>
        new("fmnist-cnn", "TEST", $"fmnist_cnn-{Convert.ToHexStringLower(SHA256.HashData(content))[..8]}.pth", true, 28);
}
