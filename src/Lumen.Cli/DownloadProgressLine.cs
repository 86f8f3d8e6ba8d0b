using Lumen.Data.Downloads;

namespace Lumen.Cli;

/// <summary>One <see cref="CliProgress"/> line on standard error per downloaded file, in kilobytes.</summary>
internal sealed class DownloadProgressLine(CliConsole console) : IProgress<DownloadProgress>
{
    private string? file;
    private CliProgress? line;

    /// <summary>Draws the bytes received so far, starting a new line when another file begins.</summary>
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
