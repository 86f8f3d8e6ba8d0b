using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Attributions;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Models;

/// <summary>
/// The built-in <c>vit-tiny</c> with the reference tiny ViT's torchvision weights (fixtures/vit, from
/// fixtures/reference/extended) against the stored PyTorch logits and ONNX Runtime on the same model exported to ONNX.
/// Tolerance 1e-5 absolute on logits of size 0.1..1: float32 with a different summation order (PyTorch's fused
/// attention versus matmul + softmax here) differs by about 1e-7 per operation, well below it.
/// </summary>
public sealed class VisionTransformerTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const float LogitTolerance = 1e-5f;
    private readonly ExplainableModel model = ModelCatalog.Load("vit-tiny", ViTFixtures.Weights);
    private readonly torch.Tensor inputs = NpyFile.Read(ViTFixtures.Inputs);

    [Fact]
    public void LogitsMatchPyTorch()
    {
        using var logits = model.Predict(inputs);
        using var reference = NpyFile.Read(ViTFixtures.Logits);
        float difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"max |difference| {difference:E2}");
        Assert.True(difference <= LogitTolerance, $"max |difference| {difference}");
    }

    [Fact]
    public void LogitsMatchOnnxRuntimeOnTheExportedModel()
    {
        using var runtime = new OnnxRuntimeSession(ViTFixtures.Onnx);
        using var logits = model.Predict(inputs);
        using var theirs = runtime.Run(inputs);
        float difference = (logits - theirs).abs().max().item<float>();
        output.WriteLine($"max |difference| {difference:E2}");
        Assert.True(difference <= LogitTolerance, $"max |difference| {difference}");
    }

    [Fact]
    public void EveryPartOfABlockIsANamedLayer()
    {
        var names = model.LayerNames;
        foreach (string part in new[] { "ln_1", "self_attention", "self_attention.qkv", "self_attention.softmax", "self_attention.out_proj", "add_1", "ln_2", "mlp", "mlp.0", "mlp.1", "mlp.3", "add_2" })
            Assert.Contains("encoder.layers.encoder_layer_1." + part, names);
        Assert.Contains("conv_proj", names);
        Assert.Contains("encoder.ln", names);
        Assert.Contains("heads.head", names);
    }

    [Fact]
    public void AttentionProbabilitiesAreCapturedAsRowStochasticMaps()
    {
        using var scope = torch.NewDisposeScope();
        using var capture = model.Capture("encoder.layers.encoder_layer_0.self_attention.softmax");
        using var noGrad = torch.no_grad();
        model.Forward(inputs);
        var attention = capture["encoder.layers.encoder_layer_0.self_attention.softmax"];
        Assert.Equal(new long[] { 4, 2, 17, 17 }, attention.shape);
        using var reference = NpyFile.Read(ViTFixtures.File("attention_rollout__attention"));
        ReferenceComparison.AssertMatches(reference.select(1, 0), attention);
    }

    [Theory]
    [InlineData("vit_b_16", 86_567_656L)]
    [InlineData("vit_b_32", 88_224_232L)]
    public void TorchVisionSizesHaveTorchVisionParameterCounts(string name, long parameters)
    {
        using var big = ModelCatalog.Load(name);
        Assert.Equal(parameters, big.Module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void CheckpointsWithTorchVisionsOlderMlpNamesLoad()
    {
        var stored = WeightLoader.ReadStateDict(ViTFixtures.Weights);
        var legacy = stored.ToDictionary(
            pair => pair.Key.Replace(".mlp.0.", ".mlp.linear_1.").Replace(".mlp.3.", ".mlp.linear_2."), pair => pair.Value);
        Assert.Contains("encoder.layers.encoder_layer_0.mlp.linear_1.weight", legacy.Keys);
        var upgraded = Lumen.Models.Architectures.VisionTransformer.UpgradeLegacyMlpKeys(legacy);
        Assert.Equal(stored.Keys.Order(), upgraded.Keys.Order());
        Assert.NotNull(ModelCatalog.Find("vit_b_16").UpgradeStateDict);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }
}

/// <summary>Paths of the tiny ViT fixtures (fixtures/vit, copied from fixtures/reference/extended).</summary>
internal static class ViTFixtures
{
    public static string File(string name) => Path.Combine(Fixtures.Root, "vit", name + ".npy");

    public static string Weights => Path.Combine(Fixtures.Root, "vit", "tiny_vit.safetensors");

    public static string Onnx => Path.Combine(Fixtures.Root, "vit", "tiny_vit.onnx");

    public static string Inputs => File("tiny_vit_inputs_rs11");

    public static string Logits => File("tiny_vit_logits_rs11");

    /// <summary>The class the references explain for each image (the untrained model's prediction).</summary>
    public static readonly int[] Targets = { 8, 8, 8, 8 };
}
