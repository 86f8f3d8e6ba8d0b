using System.Security.Cryptography;

namespace Lumen.Data.Downloads;

/// <summary>
/// Finds Fashion-MNIST's four IDX files (Xiao, Rasul and Vollgraf 2017): the Debian package
/// <c>dataset-fashion-mnist</c>'s folder, else a copy in Lumen's cache (<see cref="CacheFolder"/>), else downloads
/// them into the cache from the locations the dataset's README publishes, each checked against the MD5 published
/// there (the only hash the publisher gives).
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the dataset's README links the files: Zalando Research's S3 bucket, then its GitHub repository.</summary>
    public static IReadOnlyList<Uri> PublishedLocations { get; } =
    [
        new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        new("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
    ];

    /// <summary>The four files and their published MD5 hashes.</summary>
    public static IReadOnlyList<(string Name, string Md5)> Files { get; } =
    [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ];

    /// <summary>The cached copy: <c>datasets/fashion-mnist</c> in <see cref="LumenCache.Root"/>.</summary>
    public static string CacheFolder => LumenCache.DatasetFolder("fashion-mnist");

    /// <summary>
    /// The folder holding the four files: the Debian package's, else the cache, else the cache after downloading the
    /// missing files into it (with <paramref name="progress"/>).
    /// </summary>
    /// <exception cref="LumenException">The files are nowhere and could not be downloaded (kind InputData); the one-line
    /// message names the addresses and the folder to put the files in by hand.</exception>
    public static string Locate(IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        Locate(ImageDatasets.FashionMnistFolder, CacheFolder, PublishedLocations, new FileDownloader(), progress, cancellation);

    /// <summary><see cref="Locate(IProgress{DownloadProgress}?, CancellationToken)"/> with every place given.</summary>
    internal static string Locate(string systemFolder, string cacheFolder, IReadOnlyList<Uri> locations, FileDownloader downloader,
        IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        if (HasAll(systemFolder)) return systemFolder;
        if (HasAll(cacheFolder)) return cacheFolder;
        try
        {
            foreach (RemoteFile file in RemoteFiles(locations))
            {
                if (!File.Exists(Path.Combine(cacheFolder, file.Name))) downloader.Download(file, cacheFolder, progress, cancellation);
            }
        }
        catch (LumenException e)
        {
            throw LumenException.InputData(
                $"Fashion-MNIST is not in {systemFolder} or {cacheFolder} and could not be downloaded: {e.Message}. Install it with " +
                $"'sudo apt-get install dataset-fashion-mnist', or put {string.Join(", ", Files.Select(f => f.Name))} from " +
                $"{string.Join(" or ", locations)} into {cacheFolder}", e);
        }

        return cacheFolder;
    }

    /// <summary>The four files, each published at every one of <paramref name="locations"/>.</summary>
    internal static IEnumerable<RemoteFile> RemoteFiles(IReadOnlyList<Uri> locations) =>
        Files.Select(f => new RemoteFile(f.Name, [.. locations.Select(l => new Uri(l, f.Name))], HashAlgorithmName.MD5, f.Md5));

    /// <summary>Whether <paramref name="folder"/> holds the four files, gzipped or not.</summary>
    private static bool HasAll(string folder) =>
        Files.All(f => File.Exists(Path.Combine(folder, f.Name)) || File.Exists(Path.Combine(folder, Path.GetFileNameWithoutExtension(f.Name))));
}
