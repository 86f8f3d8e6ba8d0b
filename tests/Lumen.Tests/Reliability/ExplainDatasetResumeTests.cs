using Lumen.Cli;
using Lumen.Imaging;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary><c>lumen explain --data</c> writes per-image files; <c>--resume</c> recomputes only unfinished images.</summary>
public class ExplainDatasetResumeTests
{
    private static string[] Args(string data, string output, params string[] extra) =>
        ["explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", data, "--method", "saliency,gradcam", "--layer", "conv3",
            "--batch-size", "4", "--out", output, .. extra];

    private static string Images(TempDirectory folder)
    {
        string data = folder.File("images.npy");
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var six = torch.cat([inputs, inputs.flip(3).narrow(0, 0, 2)], 0);
        NpyFile.Write(data, six);
        return data;
    }

    [Fact]
    public void ResumeSkipsFinishedImagesAndRedoesOnlyTheMissingOnes()
    {
        using var folder = new TempDirectory();
        string data = Images(folder);
        string output = folder.File("out");

        var first = CliRunner.Run(Args(data, output));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("explained 6 images", first.Output);
        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(24, files.Count);
        Assert.Contains("00005.gradcam.png", files);
        Assert.Contains("00000.saliency.npy", files);

        // An interrupted run: image 2 lost one file, image 5 all of them. Finished files are marked to see they stay.
        File.Delete(Path.Combine(output, "00002.gradcam.png"));
        foreach (var path in Directory.GetFiles(output, "00005.*")) File.Delete(path);
        var marked = DateTime.UtcNow.AddDays(-1);
        foreach (var path in Directory.GetFiles(output)) File.SetLastWriteTimeUtc(path, marked);
        byte[] before = File.ReadAllBytes(Path.Combine(output, "00004.saliency.npy"));

        var resumed = CliRunner.Run(Args(data, output, "--resume"));

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("explained 2 images", resumed.Output);
        Assert.Contains("4 already finished were skipped", resumed.Output);
        Assert.Equal(files, Directory.GetFiles(output).Select(Path.GetFileName).Order().ToList());
        var rewritten = Directory.GetFiles(output).Where(p => File.GetLastWriteTimeUtc(p) != marked).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["00002.gradcam.npy", "00002.gradcam.png", "00002.saliency.npy", "00002.saliency.png",
            "00005.gradcam.npy", "00005.gradcam.png", "00005.saliency.npy", "00005.saliency.png"], rewritten);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "00004.saliency.npy")));
    }

    [Fact]
    public void InterruptedDatasetRunSaysHowToResume()
    {
        using var folder = new TempDirectory();
        string data = Images(folder);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var error = new StringWriter();

        int code = LumenCli.Run(Args(data, folder.File("out")), new StringWriter(), error, cancelled.Token);

        Assert.Equal(LumenCli.Interrupted, code);
        Assert.Contains("interrupted by Ctrl-C; 0 images are finished in", error.ToString());
        Assert.Contains("run the same command with --resume to continue", error.ToString());
    }

    [Theory]
    [InlineData("--image", "give the images with --image, --input or --data (exactly one of them)")]
    [InlineData("--target", "--target with --data takes 'predicted' or one class for every image, not a list")]
    public void DatasetExplainRefusesConflictingOptions(string option, string message)
    {
        using var folder = new TempDirectory();
        string data = Images(folder);
        string output = folder.File("out");
        string[] extra = option == "--image" ? ["--image", data] : ["--target", "1,2"];

        var result = CliRunner.Run(Args(data, output, extra));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }

    [Fact]
    public void ResumeWithoutDataIsAUsageError()
    {
        var result = CliRunner.Run("explain", "--model", "fmnist-cnn", "--method", "saliency", "--image", "x.png", "--resume");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--resume continues a --data run; give --data PATH", result.Error);
    }
}
