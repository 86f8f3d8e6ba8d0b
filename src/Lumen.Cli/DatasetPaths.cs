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

    /// <summary>One <see cref="CliProgress"/> line per downloaded file, in kilobytes.</summary>
    private sealed class DownloadProgressLine(CliConsole console) : IProgress<DownloadProgress>
    {
        private string? file;
        private CliProgress? line;

        public void Report(DownloadProgress value)
        {
            if (value.File != file)
            {
                file = value.File;
                line = new CliProgress(console, $"downloading {value.File}");
            }

            line!.Report(value.Done / 1024, (value.Total ?? value.Done) / 1024, "KB");
        }
    }
}
