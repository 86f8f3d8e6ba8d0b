using System.Diagnostics;
using Lumen.Cli;
using Lumen.Tests.Cli;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>Ctrl-C stops long runs between steps with exit code 130, one line saying nothing was written, and no output file.</summary>
[Collection(SerialCollection.Name)]
public class InterruptTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("top-k")]
    [InlineData("embed")]
    public void CancelledRunsExitWith130AndWriteNothing(string command)
    {
        using var folder = new TempDirectory();
        TinyFashionMnist.Write(folder.Path, 64, 32);
        string output = folder.File(command == "train" ? "weights.safetensors" : "out");
        string[] args = command switch
        {
            "train" => ["train", "--data", folder.Path, "--epochs", "1", "--out", output],
            "top-k" => ["top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", folder.Path, "--class", "1", "--out", output],
            _ => ["embed", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", folder.Path, "--out", output],
        };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var error = new StringWriter();

        int code = LumenCli.Run(args, new StringWriter(), error, cancelled.Token);

        Assert.True(code == LumenCli.Interrupted, $"exit {code}: {error}");
        Assert.Contains("lumen: interrupted by Ctrl-C; nothing was written", error.ToString());
        Assert.False(File.Exists(output) || (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any()));
    }

    [Fact]
    public void SigintStopsTrainingInAChildProcess()
    {
        using var folder = new TempDirectory();
        TinyFashionMnist.Write(folder.Path, 256, 32);
        string weights = folder.File("w.safetensors");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(LumenCli).Assembly.Location, "train", "--data", folder.Path, "--epochs", "1000", "--batch-size", "16", "--out", weights })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var training = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data?.Contains("training", StringComparison.Ordinal) == true) training.Set();
        };
        process.BeginErrorReadLine();
        Assert.True(training.Wait(TimeSpan.FromMinutes(2)), "training never started: " + stderr);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the process did not stop after SIGINT");
        process.WaitForExit();
        Assert.Equal(LumenCli.Interrupted, process.ExitCode);
        lock (stderr) Assert.Contains("interrupted by Ctrl-C; nothing was written", stderr.ToString());
        Assert.False(File.Exists(weights));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }
}
