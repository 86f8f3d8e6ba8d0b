using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Models.Architectures;

public class ArchitectureCatalogTests
{
    private static readonly string[] ExpectedNames =
    [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
        "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
        "alexnet", "mobilenet_v2", "vit_b_16", "vit_b_32", "vit_l_16",
    ];

    [Fact]
    public void ListsEveryArchitectureWithItsInputShape()
    {
        Assert.Equal(new[] { "fmnist-cnn", "fmnist-net", "vit-tiny" }.Concat(ExpectedNames), ModelCatalog.All.Select(a => a.Name));
        Assert.All(ImageNetArchitectures.All, a =>
        {
            Assert.Equal(new long[] { 3, 224, 224 }, a.InputShape);
            Assert.Equal(1000, a.DefaultClasses);
            Assert.False(string.IsNullOrWhiteSpace(a.Description));
            Assert.DoesNotContain('\n', a.Description);
        });
        Assert.Equal("resnet50", ModelCatalog.Find(" ResNet50").Name);
    }

    [Fact]
    public void ClassifierKeysNameTheLastLinearLayer()
    {
        foreach (var definition in ModelCatalog.All.Where(d => (!d.Name.StartsWith("vgg", StringComparison.Ordinal) || d.Name == "vgg11") && d.Name is not ("vit_b_32" or "vit_l_16")))
        {
            using var module = definition.Create(7);
            var weights = module.state_dict();
            Assert.True(weights.ContainsKey(definition.ClassifierWeightKey), definition.Name);
            Assert.Equal(7, weights[definition.ClassifierWeightKey].shape[0]);
        }
    }

    [Fact]
    public void UnknownNameIsAUsageErrorListingTheNames()
    {
        var error = Assert.Throws<LumenException>(() => ModelCatalog.Find("resnet19"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("did you mean 'resnet18'", error.Message);
        Assert.All(ExpectedNames, n => Assert.Contains(n, error.Message));

        error = Assert.Throws<LumenException>(() => ModelCatalog.Find("mobilenetv2"));
        Assert.Contains("did you mean 'mobilenet_v2'", error.Message);
    }

    [Fact]
    public void NamesAreCaseInsensitiveAndClassCountIsChecked()
    {
        using var model = ModelCatalog.Load(" AlexNet ", classes: 3);
        using var x = torch.randn(1, 3, 224, 224);
        using var y = model.Predict(x);
        Assert.Equal(new long[] { 1, 3 }, y.shape);
        Assert.Equal(ErrorKind.Usage, Assert.Throws<LumenException>(() => ModelCatalog.Load("resnet18", classes: 0)).Kind);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    public void SafetensorsRoundTripGivesIdenticalOutputs(string name)
    {
        using var scope = torch.NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"lumen-{name}-{Guid.NewGuid():N}.safetensors");
        try
        {
            torch.manual_seed(5);
            using var original = ModelCatalog.Find(name).Create(10);
            ArchitectureTestSupport.RandomizeBatchNorms(original, seed: 6);
            original.save_safetensors(path);

            torch.manual_seed(7);
            using var restored = ModelCatalog.Find(name).Create(10);
            restored.load_safetensors(path);

            original.eval();
            restored.eval();
            using var x = torch.randn(2, 3, 64, 64);
            using var noGrad = torch.no_grad();
            using var a = original.call(x);
            using var b = restored.call(x);
            Assert.True(a.allclose(b, rtol: 0, atol: 0), "outputs differ after the round trip");
            foreach (var (key, value) in original.state_dict())
                Assert.True(value.allclose(restored.state_dict()[key], rtol: 0, atol: 0), key);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
