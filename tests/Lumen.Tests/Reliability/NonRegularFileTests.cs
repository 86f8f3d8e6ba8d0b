using System.IO.Pipes;
using Lumen.Data;
using Lumen.Imaging;
using Lumen.IO;
using Lumen.Models;
using Lumen.Tests.Cli;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Every user-supplied input path is checked before it is opened: pipes (a FIFO with no writer would block forever,
/// a shell's <c>&lt;(...)</c> cannot be measured), sockets, devices, directories where a file is meant, and broken
/// symbolic links are refused with one line that says what the path is.
/// </summary>
public class NonRegularFileTests
{
    [Fact]
    public void KindsAreToldApartWithoutOpeningAnything()
    {
        using var folder = new TempDirectory();
        string file = folder.File("a.npy");
        File.WriteAllBytes(file, [1, 2, 3]);
        File.CreateSymbolicLink(folder.File("link"), file);
        File.CreateSymbolicLink(folder.File("loop1"), folder.File("loop2"));
        File.CreateSymbolicLink(folder.File("loop2"), folder.File("loop1"));
        File.CreateSymbolicLink(folder.File("dangling"), folder.File("nothing"));

        Assert.Equal(FileKind.Regular, InputFile.KindOf(file));
        Assert.Equal(FileKind.Regular, InputFile.KindOf(folder.File("link")));
        Assert.Equal(FileKind.Missing, InputFile.KindOf(folder.File("nothing")));
        Assert.Equal(FileKind.Missing, InputFile.KindOf(Path.Combine(file, "below-a-file")));
        Assert.Equal(FileKind.Directory, InputFile.KindOf(folder.Path));
        Assert.Equal(FileKind.Pipe, InputFile.KindOf(HostileInputs.Fifo(folder.File("fifo"))));
        Assert.Equal(FileKind.LinkLoop, InputFile.KindOf(folder.File("loop1")));
        Assert.Equal(FileKind.DanglingLink, InputFile.KindOf(folder.File("dangling")));
        Assert.Equal(FileKind.CharacterDevice, InputFile.KindOf("/dev/null"));
    }

    public static TheoryData<string> Readers() => new() { "image", "npy", "weights", "idx", "dataset", "shard", "onnx" };

    [Theory]
    [MemberData(nameof(Readers))]
    public void EveryReaderRefusesAFifoWithNoWriterInsteadOfBlocking(string reader)
    {
        using var folder = new TempDirectory();
        string fifo = HostileInputs.Fifo(folder.File("input"));

        var error = HostileInputs.WithoutHanging(fifo, () => Assert.Throws<LumenException>(() => Read(reader, fifo)));

        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains($"'{fifo}' is a pipe, not a regular file; write the data to a file first", error.Message);
    }

    [Theory]
    [InlineData("directory", "is a directory, not a file")]
    [InlineData("loop", "is a symbolic link loop")]
    [InlineData("dangling", "is a symbolic link to something that does not exist")]
    [InlineData("/dev/zero", "is a device, not a regular file")]
    public void ImagesAndArraysSayWhatTheirPathIs(string what, string words)
    {
        using var folder = new TempDirectory();
        string path = what switch
        {
            "directory" => Directory.CreateDirectory(folder.File("pictures.png")).FullName,
            "loop" => File.CreateSymbolicLink(folder.File("loop.png"), folder.File("loop.png")).FullName,
            "dangling" => File.CreateSymbolicLink(folder.File("gone.png"), folder.File("deleted.png")).FullName,
            _ => what,
        };

        foreach (var read in new Action[] { () => ImageLoader.Load(path, ImagePreprocessing.None), () => NpyFile.Read(path) })
        {
            var error = Assert.Throws<LumenException>(read);
            Assert.Equal(ErrorKind.InputData, error.Kind);
            Assert.Contains($"'{path}' {words}", error.Message);
        }
    }

    [Fact]
    public void ADatasetFolderIsNotRefusedForBeingADirectory()
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<LumenException>(() => ImageDatasets.Open(folder.Path));
        Assert.DoesNotContain("is a directory", error.Message); // an empty folder is refused for holding no images
    }

    public static TheoryData<string, string[], string> CommandLineCases() => new()
    {
        { "image folder", new[] { "--image", "{folder}" }, "is a directory; give image files, or use --data" },
        { "image link loop", new[] { "--image", "{loop}" }, "is a symbolic link loop" },
        { "weights fifo", new[] { "--image", "{image}", "--weights", "{fifo}" }, "weights file '{fifo}' is a pipe" },
        { "input fifo", new[] { "--input", "{fifo}" }, "NumPy file '{fifo}' is a pipe" },
        { "input from process substitution", new[] { "--input", "{pipe}" }, "is a pipe, not a regular file; write the data to a file first (e.g. `... > input.npy`)" },
        { "data fifo", new[] { "--data", "{fifo}" }, "Dataset '{fifo}' is a pipe" },
    };

    [Theory]
    [MemberData(nameof(CommandLineCases))]
    public void CommandLineRefusesWithExitCodeThree(string name, string[] arguments, string words)
    {
        using var folder = new TempDirectory();
        // A pipe with a writer, as bash's <(cat x.npy) hands out: /dev/fd/N.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        var values = new Dictionary<string, string>
        {
            ["{folder}"] = Directory.CreateDirectory(folder.File("photos")).FullName,
            ["{loop}"] = File.CreateSymbolicLink(folder.File("loop.png"), folder.File("loop.png")).FullName,
            ["{image}"] = ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png"),
            ["{fifo}"] = HostileInputs.Fifo(folder.File("fifo")),
            ["{pipe}"] = $"/dev/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}",
        };
        string Fill(string text) => values.Aggregate(text, (t, v) => t.Replace(v.Key, v.Value, StringComparison.Ordinal));
        string output = folder.File("out");
        var args = new List<string> { "explain", "--model", "fmnist-cnn", "--method", "saliency", "--out", output };
        if (!arguments.Contains("--weights")) args.AddRange(["--weights", Fixtures.FmnistWeights]);
        args.AddRange(arguments.Select(Fill));

        var result = HostileInputs.WithoutHanging(values["{fifo}"], () => CliRunner.Run([.. args]));

        Assert.True(result.ExitCode == 3, $"{name}: exit {result.ExitCode}: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(Fill(words), line);
        Assert.False(Directory.Exists(output), $"{name}: nothing may be written");
    }

    private static object Read(string reader, string path) => reader switch
    {
        "image" => ImageLoader.Load(path, ImagePreprocessing.None),
        "npy" => NpyFile.Read(path),
        "weights" => ModelCatalog.Load("fmnist-cnn", path),
        "idx" => IdxFile.Read(path),
        "dataset" => ImageDatasets.Open(path),
        "shard" => ShardManifest.Read(path, "explain-shard", "shard file", (_, _) => 0),
        "onnx" => Lumen.Onnx.OnnxFile.Read(path),
        _ => throw new ArgumentOutOfRangeException(nameof(reader)),
    };
}
