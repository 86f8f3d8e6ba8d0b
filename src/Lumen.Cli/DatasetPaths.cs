using Lumen.Data;
using Lumen.Data.Downloads;

namespace Lumen.Cli;

/// <summary>
/// Resolves the <c>fashion-mnist</c> alias before a dataset is opened, so that a download (when neither the Debian
/// package nor the cache has the files) draws a progress line per file on standard error.
/// </summary>
internal static class DatasetPaths
{
    /// <summary><paramref name="path"/>, or for the alias the folder that holds Fashion-MNIST.</summary>
    public static string Resolve(string path, CliConsole console)
    {
        if (!string.Equals(path, ImageDatasets.FashionMnistAlias, StringComparison.OrdinalIgnoreCase)) return path;
        return FashionMnist.Locate(new DownloadProgressLine(console), console.Cancellation);
    }

}
