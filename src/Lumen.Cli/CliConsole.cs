namespace Lumen.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and warnings to <see cref="Error"/>.</summary>
/// <param name="Out">Standard output (results, JSON).</param>
/// <param name="Error">Standard error (messages).</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>Cancelled by Ctrl-C (SIGINT); long runs (train, embed, top-k) check it between steps.</summary>
    public CancellationToken Cancellation { get; init; }
}
