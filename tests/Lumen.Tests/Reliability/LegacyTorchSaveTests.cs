using Lumen.Models;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>A pre-1.6 (not zipped) torch.save file is named as such, with how to re-save it.</summary>
public class LegacyTorchSaveTests
{
    [Fact]
    public void LegacyFileSaysHowToResaveIt()
    {
        using var folder = new TempDirectory();
        string path = folder.File("old.pth");
        // PROTO 2, LONG1 of the magic number 0x1950a86a20f9469cfc6c, STOP; then what follows in such a file.
        byte[] head = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e, 0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];
        File.WriteAllBytes(path, head);
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist-cnn", path).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("legacy torch.save format", error.Message);
        Assert.Contains("torch.save(model.state_dict(), path)", error.Message);
        Assert.Contains("1.6", error.Message);
        Assert.DoesNotContain("Mismatched", error.Message);
    }
}
