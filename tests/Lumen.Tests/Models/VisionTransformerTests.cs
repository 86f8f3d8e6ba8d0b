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

    [Theory]
    [InlineData("vit_b_16")]
    [InlineData("vit_b_32")]
    [InlineData("vit_l_16")]
    public void StateDictKeysAndShapesAreTorchVisions(string name)
    {
        // fixtures/vit/torchvision_vit_keys.json: written by make_vit_fixtures.py from torchvision 0.14.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "vit", "torchvision_vit_keys.json")));
        var expected = json.RootElement.GetProperty(name).EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(",", p.Value.EnumerateArray().Select(d => d.GetInt64())));
        using var module = ModelCatalog.Find(name).Create(1000);
        var actual = module.state_dict().ToDictionary(p => p.Key, p => string.Join(",", p.Value.shape));
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Fact]
    public void AnotherConfigurationMatchesPyTorch()
    {
        // VisionTransformer(48, 16, 3, 3, 48, 96, num_classes=5): a 3x3 grid, 3 blocks, 3 heads (make_vit_fixtures.py).
        using var vit = new Lumen.Models.Architectures.VisionTransformer("vit-48", 48, 16, 3, 3, 48, 96, 5);
        WeightLoader.Load(vit, Path.Combine(Fixtures.Root, "vit", "vit_48.pt"), "vit-48");
        using var other = new ExplainableModel(vit, "vit-48", new long[] { 3, 48, 48 });
        using var x = NpyFile.Read(Path.Combine(Fixtures.Root, "vit", "vit_48_inputs.npy"));
        using var reference = NpyFile.Read(Path.Combine(Fixtures.Root, "vit", "vit_48_logits.npy"));
        using var logits = other.Predict(x);
        float difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"max |difference| {difference:E2}");
        Assert.True(difference <= LogitTolerance, $"max |difference| {difference}");
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
