using Google.Protobuf;
using Lumen.Onnx;
using Lumen.Onnx.Proto;
using Lumen.Tests.Onnx;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>
/// ONNX external data is read only when its real path (every link along it resolved, <c>..</c> taken after them) lies
/// inside the real path of the model's folder, both for the importer and before ONNX Runtime is given the file.
/// </summary>
public sealed class ExternalDataLinkTests
{
    private const string Data = "mnist.onnx.data";

    /// <summary>mnist.onnx written to <paramref name="folder"/> with its external data at <paramref name="location"/>.</summary>
    private static string ModelAt(string folder, string location, string name = "model.onnx")
    {
        Directory.CreateDirectory(folder);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(MnistImportTests.MnistPath));
        foreach (var tensor in model.Graph.Initializer)
        {
            foreach (var entry in tensor.ExternalData.Where(e => e.Key == "location")) entry.Value = location;
        }

        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static void SecretOutside(string folder)
    {
        Directory.CreateDirectory(folder);
        File.Copy(MnistImportTests.MnistPath + ".data", Path.Combine(folder, Data), overwrite: true);
    }

    private static void AssertRefused(Func<IDisposable> load, string location)
    {
        var error = Assert.ThrowsAny<LumenException>(() => load().Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains(location, error.Message);
        Assert.Contains("outside the model's folder", error.Message);
    }

    [Fact]
    public void LinkedFolderLeadingOutsideIsRefused()
    {
        using var temp = new TempDirectory();
        SecretOutside(temp.File("secret"));
        string path = ModelAt(temp.File("model"), "sub/" + Data);
        Directory.CreateSymbolicLink(temp.File("model/sub"), temp.File("secret"));
        AssertRefused(() => OnnxImporter.Load(path), "sub/" + Data);
    }

    [Fact]
    public void LinkedFolderLeadingOutsideIsRefusedBeforeOnnxRuntimeReadsIt()
    {
        using var temp = new TempDirectory();
        SecretOutside(temp.File("secret"));
        string path = ModelAt(temp.File("model"), "sub/" + Data);
        Directory.CreateSymbolicLink(temp.File("model/sub"), temp.File("secret"));
        AssertRefused(() => new OnnxRuntimeSession(path), "sub/" + Data);
        AssertRefused(() => OnnxBlackBox.Load(path), "sub/" + Data);
    }

    [Fact]
    public void LinkedFileLeadingOutsideIsRefused()
    {
        using var temp = new TempDirectory();
        SecretOutside(temp.File("secret"));
        string path = ModelAt(temp.File("model"), "weights.bin");
        File.CreateSymbolicLink(temp.File("model/weights.bin"), temp.File("secret/" + Data));
        AssertRefused(() => OnnxImporter.Load(path), "weights.bin");
    }

    [Fact]
    public void DotDotAfterALinkIsTakenFromTheLinksTarget()
    {
        // Written, "in/../mnist.onnx.data" stays in the folder; the system resolves the link "in" first, then "..".
        using var temp = new TempDirectory();
        SecretOutside(temp.File("secret"));
        Directory.CreateDirectory(temp.File("secret/inner"));
        string location = "in/../" + Data;
        string path = ModelAt(temp.File("model"), location);
        Directory.CreateSymbolicLink(temp.File("model/in"), temp.File("secret/inner"));
        AssertRefused(() => OnnxImporter.Load(path), location);
        AssertRefused(() => new OnnxRuntimeSession(path), location);
    }

    [Theory]
    [InlineData("../" + Data)]
    [InlineData("a/../../" + Data)]
    public void DotDotLeavingTheFolderIsRefused(string location)
    {
        using var temp = new TempDirectory();
        SecretOutside(temp.Path);
        string path = ModelAt(temp.File("model"), location);
        AssertRefused(() => OnnxImporter.Load(path), location);
        AssertRefused(() => new OnnxRuntimeSession(path), location);
    }

    [Fact]
    public void ModelFolderReachedThroughALinkStillLoadsItsData()
    {
        using var temp = new TempDirectory();
        SecretOutside(temp.File("real/data"));
        ModelAt(temp.File("real"), "data/" + Data);
        // A link inside the folder that stays inside is fine too.
        Directory.CreateSymbolicLink(temp.File("real/alias"), "data");
        Directory.CreateSymbolicLink(temp.File("link"), temp.File("real"));
        using var model = OnnxImporter.Load(temp.File("link/model.onnx"));
        Assert.Equal(new long[] { 1, 28, 28 }, model.InputShape);
        using var session = new OnnxRuntimeSession(temp.File("link/model.onnx"));

        ModelAt(temp.File("real"), "alias/" + Data, "aliased.onnx");
        using var viaAlias = OnnxImporter.Load(temp.File("link/aliased.onnx"));
        using var viaAliasOnRuntime = new OnnxRuntimeSession(temp.File("link/aliased.onnx"));
    }

    [Fact]
    public void LinkLoopIsRefused()
    {
        using var temp = new TempDirectory();
        string path = ModelAt(temp.File("model"), "loop/" + Data);
        Directory.CreateSymbolicLink(temp.File("model/loop"), "loop");
        var error = Assert.ThrowsAny<LumenException>(() => OnnxImporter.Load(path).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("loop", error.Message);
    }
}
