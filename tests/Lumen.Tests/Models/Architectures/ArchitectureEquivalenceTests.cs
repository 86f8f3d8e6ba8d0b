using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Lumen.Tests.Models.Architectures.ArchitectureTestSupport;

namespace Lumen.Tests.Models.Architectures;

/// <summary>
/// Each Lumen architecture against TorchVision 0.107's (the ground truth): same state_dict keys and shapes,
/// and, with TorchVision's weights (BatchNorm statistics randomised) loaded, the same logits in eval mode.
/// Split into three classes so that xunit runs them in parallel (building a VGG twice takes seconds).
/// </summary>
public abstract class ArchitectureEquivalenceTests(ITestOutputHelper output)
{
    private static nn.Module<Tensor, Tensor> TorchVision(string name, int numClasses) => name switch
    {
        "resnet18" => torchvision.models.resnet18(num_classes: numClasses),
        "resnet34" => torchvision.models.resnet34(num_classes: numClasses),
        "resnet50" => torchvision.models.resnet50(num_classes: numClasses),
        "resnet101" => torchvision.models.resnet101(num_classes: numClasses),
        "resnet152" => torchvision.models.resnet152(num_classes: numClasses),
        "vgg11" => torchvision.models.vgg11(num_classes: numClasses),
        "vgg11_bn" => torchvision.models.vgg11_bn(num_classes: numClasses),
        "vgg13" => torchvision.models.vgg13(num_classes: numClasses),
        "vgg13_bn" => torchvision.models.vgg13_bn(num_classes: numClasses),
        "vgg16" => torchvision.models.vgg16(num_classes: numClasses),
        "vgg16_bn" => torchvision.models.vgg16_bn(num_classes: numClasses),
        "vgg19" => torchvision.models.vgg19(num_classes: numClasses),
        "vgg19_bn" => torchvision.models.vgg19_bn(num_classes: numClasses),
        "alexnet" => torchvision.models.alexnet(num_classes: numClasses),
        "mobilenet_v2" => torchvision.models.mobilenet_v2(num_classes: numClasses),
        _ => throw new ArgumentException(name),
    };

    protected void AssertMatchesTorchVision(string name)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var reference = TorchVision(name, 10);
        using var lumen = ModelCatalog.Find(name).Create(10);

        var expected = KeyShapes(reference);
        var actual = KeyShapes(lumen);
        Assert.True(Difference(expected, actual) == "", $"{name}: {Difference(expected, actual)}");

        torch.manual_seed(3);
        using var x = torch.randn(2, 3, 64, 64);
        RandomizeBatchNorms(reference, seed: 2);
        reference.eval();
        lumen.eval();
        using var noGrad = torch.no_grad();
        using var want = reference.call(x);
        using var before = lumen.call(x);
        // Both are randomly initialised from different random states: without loading, outputs must differ.
        Assert.False(before.allclose(want, rtol: 0, atol: 1e-4), $"{name}: outputs agree before loading");

        var (missing, unexpected) = lumen.load_state_dict(reference.state_dict(), strict: true);
        Assert.Empty(missing);
        Assert.Empty(unexpected);
        using var got = lumen.call(x);
        Assert.Equal(new long[] { 2, 10 }, got.shape);
        double diff = (want - got).abs().max().item<float>();
        double scale = want.abs().max().item<float>();
        output.WriteLine($"{name}: {expected.Count} state_dict entries, max |diff| {diff:g3}, max |logit| {scale:g3}");
        Assert.True(diff <= 1e-4, $"{name}: outputs differ by {diff} (logits up to {scale})");
    }

    protected static void AssertDefaultKeysMatch(string name)
    {
        using var reference = TorchVision(name, 1000);
        using var lumen = ModelCatalog.Find(name).Create(1000);
        Assert.Equal("", Difference(KeyShapes(reference), KeyShapes(lumen)));
    }
}

public class ResNetMobileNetAlexNetEquivalenceTests(ITestOutputHelper output) : ArchitectureEquivalenceTests(output)
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("resnet101")]
    [InlineData("resnet152")]
    [InlineData("alexnet")]
    [InlineData("mobilenet_v2")]
    public void MatchesTorchVisionKeysAndOutputs(string name) => AssertMatchesTorchVision(name);

    /// <summary>With the default 1000 classes the keys still match TorchVision's (cheap architectures only).</summary>
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("alexnet")]
    [InlineData("mobilenet_v2")]
    public void DefaultClassCountKeysMatchTorchVision(string name) => AssertDefaultKeysMatch(name);

    /// <summary>PyTorch's own state_dict sizes (torchvision, with num_batches_tracked) and a few of its keys.</summary>
    [Theory]
    [InlineData("resnet18", 122, "layer1.0.bn2.num_batches_tracked")]
    [InlineData("resnet50", 320, "layer4.0.downsample.1.running_var")]
    [InlineData("alexnet", 16, "classifier.6.bias")]
    [InlineData("mobilenet_v2", 314, "features.17.conv.2.weight")]
    public void StateDictHasPyTorchsSize(string name, int entries, string key)
    {
        using var lumen = ModelCatalog.Find(name).Create(10);
        var keys = lumen.state_dict().Keys;
        Assert.Equal(entries, keys.Count);
        Assert.Contains(key, keys);
    }
}

// Building a VGG takes about 2 s (138 M parameters, initialised twice by TorchSharp's Linear), so the numeric
// comparison runs on one variant per depth, alternating with and without BatchNorm; the other four are checked
// against PyTorch's state_dict sizes and keys below. Together they cover every depth configuration and both paths.
public class VggAEquivalenceTests(ITestOutputHelper output) : ArchitectureEquivalenceTests(output)
{
    [Theory]
    [InlineData("vgg11")]
    [InlineData("vgg13_bn")]
    public void MatchesTorchVisionKeysAndOutputs(string name) => AssertMatchesTorchVision(name);
}

public class VggBEquivalenceTests(ITestOutputHelper output) : ArchitectureEquivalenceTests(output)
{
    [Theory]
    [InlineData("vgg16")]
    [InlineData("vgg19_bn")]
    public void MatchesTorchVisionKeysAndOutputs(string name) => AssertMatchesTorchVision(name);
}

public class VggStateDictTests
{
    /// <summary>
    /// PyTorch's VGG state_dict: two entries per convolution and per Linear, five per BatchNorm
    /// (weight, bias, running_mean, running_var, num_batches_tracked); <c>key</c> is the last convolution's weight.
    /// </summary>
    [Theory]
    [InlineData("vgg11_bn", 8 * 2 + 8 * 5 + 6, "features.25.weight", "features.26.num_batches_tracked")]
    [InlineData("vgg13", 10 * 2 + 6, "features.22.weight", "classifier.6.bias")]
    [InlineData("vgg16_bn", 13 * 2 + 13 * 5 + 6, "features.40.weight", "features.41.running_var")]
    [InlineData("vgg19", 16 * 2 + 6, "features.34.weight", "classifier.3.weight")]
    public void StateDictHasPyTorchsKeys(string name, int entries, string lastConv, string other)
    {
        using var lumen = ModelCatalog.Find(name).Create(10);
        var state = lumen.state_dict();
        Assert.Equal(entries, state.Count);
        Assert.Equal(new long[] { 512, 512, 3, 3 }, state[lastConv].shape);
        Assert.Contains(other, state.Keys);
        Assert.Equal(new long[] { 4096, 25088 }, state["classifier.0.weight"].shape);
        Assert.Equal(new long[] { 10, 4096 }, state["classifier.6.weight"].shape);
    }
}
