using System.Diagnostics;
using Lumen.Data;

namespace Lumen.Cli;

/// <summary>
/// A progress line on standard error for long runs: "label  [#####.....]  done/total  suffix". It redraws in place
/// on a terminal, and writes a new line at most every few seconds (and at the end) when standard error is
/// redirected, so logs stay short.
/// </summary>
public sealed class CliProgress : IProgress<DatasetProgress>
{
    private const int BarWidth = 30;
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private readonly TextWriter error;
    private readonly string label;
    private readonly bool interactive;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan? lastDrawn;

    /// <summary>Creates a progress line labelled <paramref name="label"/> on <paramref name="console"/>'s error stream.</summary>
    public CliProgress(CliConsole console, string label)
    {
        ArgumentNullException.ThrowIfNull(console);
        // The line is drawn with a carriage return on the raw stream; its own text is cleaned instead.
        error = console.Error is TerminalSafeWriter safe ? safe.Inner : console.Error;
        this.label = TerminalSafeWriter.Clean(label);
        interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    }

    /// <summary>Reports images done in a pass over a dataset.</summary>
    public void Report(DatasetProgress value) => Report(value.Done, value.Total, "images");

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> steps, with a free-text <paramref name="suffix"/> (e.g. the loss).</summary>
    public void Report(long done, long total, string suffix = "")
    {
        var finished = done >= total;
        var now = clock.Elapsed;
        if (!finished && lastDrawn is { } last && now - last < (interactive ? TerminalInterval : LogInterval))
        {
            return;
        }

        lastDrawn = now;
        var filled = total > 0 ? (int)(BarWidth * Math.Clamp((double)done / total, 0, 1)) : BarWidth;
        var line = $"{label}  [{new string('#', filled)}{new string('.', BarWidth - filled)}]  {done}/{total}  {TerminalSafeWriter.Clean(suffix)}  {now.TotalSeconds:F0}s".TrimEnd();
        if (interactive)
        {
            error.Write($"\r{line}\u001b[K");
            if (finished) error.WriteLine();
        }
        else
        {
            error.WriteLine(line);
        }
    }
}
