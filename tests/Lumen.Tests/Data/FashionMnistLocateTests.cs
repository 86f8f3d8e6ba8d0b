using Lumen.Data.Downloads;
using Xunit;

namespace Lumen.Tests.Data;

/// <summary>Where Fashion-MNIST is found: the system folder, the cache, a download, or a one-line message when offline.</summary>
public sealed class FashionMnistLocateTests
{
    [Fact]
    public void SystemFolderComesFirst()
    {
        using var system = WithAllFiles();
        using var cache = WithAllFiles();
        Assert.Equal(system.Path, Locate(system.Path, cache.Path, [new Uri("http://127.0.0.1:9/")]));
    }

    [Fact]
    public void UncompressedFilesCount()
    {
        using var system = new TempDirectory();
        foreach (var (name, _) in FashionMnist.Files) System.IO.File.WriteAllBytes(system.File(Path.GetFileNameWithoutExtension(name)), [0]);
        Assert.Equal(system.Path, Locate(system.Path, "/nonexistent/cache", [new Uri("http://127.0.0.1:9/")]));
    }

    [Fact]
    public void CachedCopyIsUsedWithoutTheNetwork()
    {
        using var cache = WithAllFiles();
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 500; context.Response.Close(); });
        Assert.Equal(cache.Path, Locate("/nonexistent/fashion-mnist", cache.Path, [server.BaseAddress]));
        Assert.Empty(server.Ranges);
    }

    [Fact]
    public void OfflineNamesTheAddressesAndTheFolderInOneLine()
    {
        using var cache = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 404; context.Response.Close(); });
        string folder = Path.Combine(cache.Path, "fashion-mnist");
        var error = Assert.Throws<LumenException>(() => Locate("/nonexistent/fashion-mnist", folder, [server.BaseAddress]));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(server.BaseAddress.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains($"into {folder}", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void RemoteFilesAreTheFourPublishedFilesAtEveryLocation()
    {
        var files = FashionMnist.RemoteFiles(FashionMnist.PublishedLocations).ToList();
        Assert.Equal(4, files.Count);
        Assert.All(files, f => Assert.Equal(2, f.Addresses.Count));
        Assert.Equal(new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz"), files[0].Addresses[0]);
        Assert.Equal(new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/t10k-labels-idx1-ubyte.gz"), files[3].Addresses[1]);
    }

    private static string Locate(string system, string cache, IReadOnlyList<Uri> locations) =>
        FashionMnist.Locate(system, cache, locations, new FileDownloader { Attempts = 1 }, null, CancellationToken.None);

    private static TempDirectory WithAllFiles()
    {
        var folder = new TempDirectory();
        foreach (var (name, _) in FashionMnist.Files) System.IO.File.WriteAllBytes(folder.File(name), [0]);
        return folder;
    }
}
