using System.Security.Cryptography;
using Lumen.Data.Downloads;
using Xunit;

namespace Lumen.Tests.Data;

/// <summary>Downloads from a local HTTP server: a good file, a wrong hash, 404, and connections cut mid-file.</summary>
public sealed class FileDownloaderTests
{
    private static readonly byte[] Content = MakeContent(200_000);

    [Fact]
    public void GoodFileIsWrittenUnderItsNameAfterTheHashCheck()
    {
        using var folder = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, Content));
        var reports = new List<DownloadProgress>();
        string path = new FileDownloader().Download(File(server, Sha256(Content)), folder.Path, new Inline(reports.Add));
        Assert.Equal(folder.File("data.bin"), path);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Names(folder));
        Assert.Equal(Content.Length, reports[^1].Done);
        Assert.Equal(Content.Length, reports[^1].Total);
    }

    [Fact]
    public void WrongHashLeavesNothing()
    {
        using var folder = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, Content));
        var error = Assert.Throws<LumenException>(() => new FileDownloader().Download(File(server, Sha256([1, 2, 3])), folder.Path));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains($"SHA256 {Sha256(Content)}, expected {Sha256([1, 2, 3])}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Names(folder));
    }

    [Fact]
    public void NotFoundLeavesNothingAndSaysSo()
    {
        using var folder = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => { context.Response.StatusCode = 404; context.Response.Close(); });
        var error = Assert.Throws<LumenException>(() => new FileDownloader().Download(File(server, Sha256(Content)), folder.Path));
        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.BaseAddress + "data.bin", error.Message, StringComparison.Ordinal);
        Assert.Empty(Names(folder));
    }

    [Fact]
    public void ConnectionCutMidFileIsResumedWithARangeRequest()
    {
        using var folder = new TempDirectory();
        const int cut = 70_000;
        using var server = new LocalHttpServer((context, request) => LocalHttpServer.Serve(context, Content, request == 1 ? cut : null));
        string path = new FileDownloader().Download(File(server, Sha256(Content)), folder.Path);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal([null, $"bytes={cut}-"], server.Ranges);
        Assert.Equal(["data.bin"], Names(folder));
    }

    [Fact]
    public void ConnectionCutEveryTimeLeavesNothing()
    {
        using var folder = new TempDirectory();
        using var server = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, Content, cutAfter: 1_000));
        var error = Assert.Throws<LumenException>(() => new FileDownloader { Attempts = 3 }.Download(File(server, Sha256(Content)), folder.Path));
        Assert.Contains("(3 attempts)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Ranges.Count);
        Assert.Empty(Names(folder));
    }

    [Fact]
    public void NextAddressIsTriedWhenTheFirstFails()
    {
        using var folder = new TempDirectory();
        using var missing = new LocalHttpServer((context, _) => { context.Response.StatusCode = 404; context.Response.Close(); });
        using var good = new LocalHttpServer((context, _) => LocalHttpServer.Serve(context, Content));
        var file = new RemoteFile("data.bin", [new Uri(missing.BaseAddress, "data.bin"), new Uri(good.BaseAddress, "data.bin")],
            HashAlgorithmName.SHA256, Sha256(Content));
        string path = new FileDownloader().Download(file, folder.Path);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
    }

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal static string[] Names(TempDirectory folder) =>
        [.. Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static RemoteFile File(LocalHttpServer server, string sha256) =>
        new("data.bin", [new Uri(server.BaseAddress, "data.bin")], HashAlgorithmName.SHA256, sha256);

    private static byte[] MakeContent(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class Inline(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
