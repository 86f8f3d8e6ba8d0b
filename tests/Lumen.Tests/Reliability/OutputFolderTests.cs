using Lumen.IO;
using Lumen.Imaging;
using Lumen.Tests.Cli;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Where a run may write, and what it leaves when it fails: an output path that is a file, a device or a kernel
/// folder is a usage error before any work; a run that fails half-way (a full disk) leaves nothing; leftovers of
/// killed runs go with --resume.
/// </summary>
public class OutputFolderTests
{
    private static readonly string[] Explain =
        ["explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs, "--method", "saliency,gradcam", "--layer", "conv3"];

    [Theory]
    [InlineData("/dev/null", "/dev holds kernel settings and devices")]
    [InlineData("/proc/lumen-test-out", "/proc holds kernel settings and devices")]
    [InlineData("/sys/kernel/lumen-test-out", "/sys holds kernel settings and devices")]
    public void SystemFoldersAreRefusedAsUsageErrors(string output, string expected)
    {
        var result = CliRunner.Run([.. Explain, "--out", output]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void AnOutputPathThatIsAFileIsRefusedAndLeftAlone()
    {
        using var folder = new TempDirectory();
        string file = folder.File("results");
        File.WriteAllText(file, "keep me");
        var result = CliRunner.Run([.. Explain, "--out", file]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is a file, not a folder", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void ALinkToAKernelFolderCountsAsTheKernelFolder()
    {
        using var folder = new TempDirectory();
        string link = folder.File("innocent");
        File.CreateSymbolicLink(link, "/proc");
        var result = CliRunner.Run([.. Explain, "--out", Path.Combine(link, "self")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/proc holds kernel settings", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingIntoAFolderBelowAFileIsAUsageError()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("plain"), "");
        var result = CliRunner.Run("train", "--out", Path.Combine(folder.File("plain"), "model.safetensors"), "--data", folder.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is a file, not a folder", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AFullDiskLeavesNoFileOfTheRun()
    {
        using var disk = SmallDisk.Mount(40 * 1024);
        if (disk is null) return; // mounting needs root, which CI and the developer machines have
        string output = Path.Combine(disk.Path, "out");
        var result = CliRunner.Run([.. Explain, "--out", output]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No space left on device", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(".lumen-staging-", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), "the output folder the run created is removed again");
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));
    }

    [Fact]
    public void AFullDiskIntoAnExistingFolderKeepsItsPreviousFilesAndAddsNone()
    {
        using var disk = SmallDisk.Mount(40 * 1024);
        if (disk is null) return;
        string output = Path.Combine(disk.Path, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "previous");
        var result = CliRunner.Run([.. Explain, "--out", output]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void WeightsOnAFullDiskAreAUsageErrorAndLeaveNoFile()
    {
        using var disk = SmallDisk.Mount(64 * 1024);
        if (disk is null) return;
        using var module = Lumen.Models.ModelCatalog.Find("fmnist-cnn").Create(10);
        string path = Path.Combine(disk.Path, "model.safetensors"); // about 400 KB of weights
        var error = Assert.Throws<LumenException>(() => Lumen.Models.WeightLoader.Save(module, path));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("free some space", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));
    }

    [Fact]
    public void ResumeRemovesWhatAKilledRunLeftBehind()
    {
        using var folder = new TempDirectory();
        string output = folder.File("out");
        Directory.CreateDirectory(output);
        string staging = Path.Combine(output, StagedOutput.StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "half.png"), "");
        string temporary = Path.Combine(output, $".00001.saliency.png.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, "");
        File.WriteAllText(Path.Combine(output, ".keep.tmp"), "not ours"); // not the shape of Lumen's temporary files

        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", Fixtures.FmnistInputs,
            "--method", "saliency", "--out", output, "--resume");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.False(Directory.Exists(staging));
        Assert.False(File.Exists(temporary));
        Assert.True(File.Exists(Path.Combine(output, ".keep.tmp")));
    }

    [Fact]
    public void AStagedOutputThatIsNotCommittedLeavesNothing()
    {
        using var folder = new TempDirectory();
        string output = folder.File("new");
        using (var staged = StagedOutput.Open(output))
        {
            File.WriteAllText(staged.PathFor("a.txt"), "a");
            File.WriteAllText(staged.PathFor(Path.Combine("sub", "b.txt")), "b");
        }
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ACommitMovesEveryFileIntoPlace()
    {
        using var folder = new TempDirectory();
        string output = folder.File("new");
        using var staged = StagedOutput.Open(output);
        File.WriteAllText(staged.PathFor("a.txt"), "a");
        File.WriteAllText(staged.PathFor(Path.Combine("sub", "b.txt")), "b");
        var files = staged.Commit();
        Assert.Equal([Path.Combine(output, "a.txt"), Path.Combine(output, "sub", "b.txt")], files);
        Assert.Equal("b", File.ReadAllText(Path.Combine(output, "sub", "b.txt")));
        Assert.Equal(["a.txt", "sub"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("/etc/passwd")]
    public void AStagedNameMustStayInsideTheFolder(string name)
    {
        using var folder = new TempDirectory();
        using var staged = StagedOutput.Open(folder.File("out"));
        Assert.Throws<ArgumentException>(() => staged.PathFor(name));
    }
}
