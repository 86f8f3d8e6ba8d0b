using System.Diagnostics;
using Lumen.Cli;
using Lumen.Imaging;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Reliability;

/// <summary>
/// A <c>lumen report</c> process killed with SIGKILL while it writes a large page leaves either the previous page
/// or the complete new one, never a truncated file; at most a hidden temporary file remains.
/// </summary>
[Collection(SerialCollection.Name)]
public class KillDuringWriteTests(ITestOutputHelper output)
{
    private const string Previous = "<html>the previous report</html>\n";

    [Fact]
    public void KillNineWhileWritingAReportLeavesThePreviousOrTheCompleteFile()
    {
        using var folder = new TempDirectory();
        string inputs = folder.File("inputs.npy");
        torch.manual_seed(5);
        using (var pixels = torch.rand(30, 1, 28, 28)) NpyFile.Write(inputs, pixels);
        string reportFolder = folder.File("report");
        Directory.CreateDirectory(reportFolder);
        string page = Path.Combine(reportFolder, "index.html");

        bool killedWhileWriting = false;
        for (int attempt = 0; attempt < 3 && !killedWhileWriting; attempt++)
        {
            File.WriteAllText(page, Previous);
            killedWhileWriting = RunAndKillWhenTheTemporaryFileAppears(inputs, reportFolder);
            string text = File.ReadAllText(page);
            Assert.True(text == Previous || text.TrimEnd().EndsWith("</body></html>", StringComparison.Ordinal), $"index.html is truncated: {text.Length} characters ending in '{text[^Math.Min(40, text.Length)..]}'");
            var visible = Directory.GetFiles(reportFolder).Select(Path.GetFileName).Where(name => !name!.StartsWith('.')).ToList();
            Assert.Equal(["index.html"], visible);
            output.WriteLine($"attempt {attempt}: killed while writing = {killedWhileWriting}, page {(text == Previous ? "kept the previous content" : "is the complete new report")}, hidden temporary files: {Directory.GetFiles(reportFolder, ".*.tmp").Length}");
        }

        Assert.True(killedWhileWriting, "the process was never caught while its temporary file existed");
    }

    /// <summary>Runs the CLI in a child process; returns true when it was killed while its temporary file existed.</summary>
    private static bool RunAndKillWhenTheTemporaryFileAppears(string inputs, string reportFolder)
    {
        string cli = typeof(LumenCli).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", inputs, "--method", "saliency,gradcam", "--layer", "conv3", "--out", reportFolder })
        {
            start.ArgumentList.Add(argument);
        }

        // inotify tells the moment the temporary file is created, without a polling loop competing for the CPU.
        using var watcher = new FileSystemWatcher(reportFolder, ".index.html.*.tmp");
        using var process = new Process { StartInfo = start };
        int killed = 0;
        watcher.Created += (_, _) =>
        {
            if (Interlocked.Exchange(ref killed, 1) == 0)
            {
                try
                {
                    process.Kill(); // SIGKILL on Linux: no handler, no cleanup runs
                }
                catch (InvalidOperationException)
                {
                    killed = 0; // it had already exited
                }
            }
        };
        watcher.EnableRaisingEvents = true;
        process.Start();
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watcher.EnableRaisingEvents = false;
        return Volatile.Read(ref killed) == 1 && process.ExitCode != 0;
    }
}
