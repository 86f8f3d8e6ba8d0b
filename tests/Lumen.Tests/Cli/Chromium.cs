using System.Diagnostics;

namespace Lumen.Tests.Cli;

/// <summary>Headless Chromium (Debian's package, installed by .ci/run) for checking HTML reports as a browser shows them.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Loads <paramref name="page"/>, returns the DOM after the load event and the console messages it logged.</summary>
    public static (string Dom, IReadOnlyList<string> ConsoleMessages) DumpDom(string page, string profile) =>
        Run(profile, "--virtual-time-budget=10000", "--dump-dom", new Uri(page).AbsoluteUri);

    /// <summary>Takes a screenshot of <paramref name="page"/> at the given window size.</summary>
    public static void Screenshot(string page, string png, string profile, int width, int height) =>
        Run(profile, $"--window-size={width},{height}", "--hide-scrollbars", $"--screenshot={png}", new Uri(page).AbsoluteUri);

    private static (string Output, IReadOnlyList<string> ConsoleMessages) Run(string profile, params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing; install it with 'apt-get install chromium' (.ci/run does)");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 120 s");
        }

        var console = error.Result.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return (output.Result, console);
    }
}
