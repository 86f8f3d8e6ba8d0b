using Lumen.Onnx;
using Xunit;

namespace Lumen.Tests.Onnx;

/// <summary>Malformed and hostile ONNX files end in one clear LumenException, never another exception.</summary>
public sealed class HostileFileTests
{
    private static LumenException Fails(string path) => Assert.ThrowsAny<LumenException>(() => OnnxImporter.Load(path).Dispose());

    [Fact]
    public void RandomBytesAreAModelError()
    {
        using var temp = new TempDirectory();
        var error = Fails(HostileFiles.Garbage(temp.Path));
        Assert.Equal(ErrorKind.Model, error.Kind);
    }

    [Fact]
    public void TruncatedFileIsAModelError()
    {
        using var temp = new TempDirectory();
        Assert.Equal(ErrorKind.Model, Fails(HostileFiles.Truncated(temp.Path)).Kind);
    }

    [Theory]
    [InlineData("../mnist.onnx.data")]
    [InlineData("sub/../../mnist.onnx.data")]
    [InlineData("/etc/passwd")]
    public void ExternalDataOutsideTheModelFolderIsRefused(string location)
    {
        using var temp = new TempDirectory();
        var error = Fails(HostileFiles.ExternalDataAt(temp.Path, location));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains(location, error.Message);
    }

    [Fact]
    public void ExternalDataLinkLeadingOutsideIsRefused()
    {
        using var temp = new TempDirectory();
        string path = HostileFiles.ExternalDataAt(temp.Path, "link.data");
        File.CreateSymbolicLink(Path.Combine(Path.GetDirectoryName(path)!, "link.data"), Path.Combine(temp.Path, "mnist.onnx.data"));
        var error = Fails(path);
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("a link to a file outside the model's folder", error.Message);
    }

    [Fact]
    public void MissingExternalDataIsAnInputError()
    {
        using var temp = new TempDirectory();
        var error = Fails(HostileFiles.ExternalDataAt(temp.Path, "absent.data"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("absent.data", error.Message);
    }

    [Fact]
    public void UnsupportedOperatorNamesTheOperatorAndTheNode()
    {
        using var temp = new TempDirectory();
        var error = Fails(HostileFiles.Unsupported(temp.Path));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("operator 'Softplus' (node 'softplus_0')", error.Message);
    }

    [Fact]
    public void ExternalDataOfTheWrongLengthIsAModelError()
    {
        using var temp = new TempDirectory();
        string path = HostileFiles.ExternalDataAt(temp.Path, "short.data");
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, "short.data"), new byte[16]);
        var error = Fails(path);
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("short.data", error.Message);
    }
}
