using Lumen.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;

namespace Lumen.Tests.Models;

public class WeightLoaderTests
{
    [Theory]
    [InlineData("w.safetensors", WeightFormat.Safetensors)]
    [InlineData("w.pt", WeightFormat.PyTorch)]
    [InlineData("w.bin", WeightFormat.TorchSharp)]
    public void RoundTripKeepsTheOutputs(string fileName, WeightFormat format)
    {
        using var folder = new TempDirectory();
        string path = folder.File(fileName);
        torch.manual_seed(3);
        using var original = FmnistCnn.Create();
        WeightLoader.Save(original, path);
        Assert.Equal(format, WeightLoader.DetectFormat(path));
        using var loaded = ModelCatalog.Load("fmnist-cnn", path);
        using var input = torch.rand(2, 1, 28, 28);
        original.eval();
        using var noGrad = torch.no_grad();
        using var expected = original.call(input);
        using var actual = loaded.Forward(input);
        Assert.Equal(0f, (expected - actual).abs().max().item<float>());
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void ReferenceWeightsLoad()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        Assert.Equal(10, model.ClassCount);
        Assert.Equal("Ankle boot", model.LabelOf(9));
    }

    [Fact]
    public void ClassCountComesFromTheWeights()
    {
        using var folder = new TempDirectory();
        string path = folder.File("five.safetensors");
        using (var five = FmnistCnn.Create(classes: 5)) five.save_safetensors(path);
        using var model = ModelCatalog.Load("fmnist-cnn", path);
        Assert.Equal(5, model.ClassCount);
        Assert.Equal("4", model.LabelOf(4));
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedWithKeysAndShapes()
    {
        using var folder = new TempDirectory();
        string path = folder.File("other.safetensors");
        torch.manual_seed(0);
        using (var other = torch.nn.Sequential(("conv1", torch.nn.Conv2d(1, 8, 3)), ("head", torch.nn.Linear(4, 10))))
            other.save_safetensors(path);
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist-cnn", path, classes: 10));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("weights other.safetensors do not fit fmnist-cnn:", error.Message);
        Assert.Contains("missing: conv2.weight [32, 16, 3, 3]", error.Message);
        Assert.Contains("unexpected: head.weight [10, 4]", error.Message);
        Assert.Contains("wrong shape: conv1.weight is [8, 1, 3, 3] in the file but [16, 1, 3, 3] in the model", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void MissingWeightsFileIsAnInputError()
    {
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist-cnn", "/no/such/file.safetensors"));
        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("weights file not found: /no/such/file.safetensors", error.Message);
    }

    [Fact]
    public void GarbageIsAModelError()
    {
        using var folder = new TempDirectory();
        string path = folder.File("garbage.safetensors");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist-cnn", path));
        Assert.Equal(ErrorKind.Model, error.Kind);
    }

    [Fact]
    public void UnknownArchitectureListsTheKnownOnes()
    {
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Load("fmnist"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("unknown model 'fmnist' (did you mean 'fmnist-cnn'?)", error.Message);
    }
}
