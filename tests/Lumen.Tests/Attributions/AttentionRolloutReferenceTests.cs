using Lumen.Attributions;
using Lumen.Attributions.Attention;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Attention rollout and gradient-weighted rollout on the tiny ViT against the references of
/// fixtures/reference/extended (computed from the papers' definitions, see its README), through the built-in
/// <c>vit-tiny</c> and the imported ONNX export (whose attention is [N·heads, T, T]). Tolerance:
/// <see cref="ReferenceComparison.RelativeTolerance"/> (1e-3 relative, max and L2) on the 4x4 map, the 17x17 matrix
/// and the captured attention and gradients; float64 moves these references by 1e-7..1e-6.
/// </summary>
public sealed class AttentionRolloutReferenceTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly ExplainableModel builtIn = ModelCatalog.Load("vit-tiny", ViTFixtures.Weights);
    private readonly ExplainableModel imported = OnnxImporter.Load(ViTFixtures.Onnx);
    private readonly torch.Tensor inputs = NpyFile.Read(ViTFixtures.Inputs);
    private readonly Target target = Target.Classes(ViTFixtures.Targets);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RolloutMatchesTheReference(bool onnx)
    {
        var model = onnx ? imported : builtIn;
        using var attribution = new AttentionRollout(model).Attribute(inputs, target);
        using var reference = NpyFile.Read(ViTFixtures.File("attention_rollout"));
        Assert.Equal(new long[] { 4, 1, 4, 4 }, attribution.Values.shape);
        Compare(reference, attribution.Values.squeeze(1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientRolloutMatchesTheReference(bool onnx)
    {
        var model = onnx ? imported : builtIn;
        using var attribution = new GradientAttentionRollout(model).Attribute(inputs, target);
        using var reference = NpyFile.Read(ViTFixtures.File("grad_attention_rollout"));
        Assert.Equal(new long[] { 4, 1, 4, 4 }, attribution.Values.shape);
        Compare(reference, attribution.Values.squeeze(1));
    }

    [Fact]
    public void MatricesAndGradientsMatchTheReference()
    {
        using var scope = torch.NewDisposeScope();
        var maps = AttentionMaps.Compute(builtIn, inputs, target, withGradient: true, "test");
        using var attention = NpyFile.Read(ViTFixtures.File("attention_rollout__attention"));
        using var gradient = NpyFile.Read(ViTFixtures.File("grad_attention_rollout__attention_grad"));
        Compare(attention, torch.stack(maps.Attention, 1));
        Compare(gradient, torch.stack(maps.Gradient!, 1));
        Compare(NpyFile.Read(ViTFixtures.File("attention_rollout__matrix")), AttentionRollout.Rollout(maps.Attention, HeadFusion.Mean, 0));
        Compare(NpyFile.Read(ViTFixtures.File("grad_attention_rollout__matrix")), GradientAttentionRollout.Rollout(maps.Attention, maps.Gradient!));
    }

    [Fact]
    public void RolloutRowsStaySumToOneWithEveryFusionAndDiscarding()
    {
        using var scope = torch.NewDisposeScope();
        var maps = AttentionMaps.Compute(builtIn, inputs, target, withGradient: false, "test");
        foreach (var fusion in new[] { HeadFusion.Mean, HeadFusion.Max, HeadFusion.Min })
        {
            var rollout = AttentionRollout.Rollout(maps.Attention, fusion, 0.9);
            float error = (rollout.sum(-1) - 1).abs().max().item<float>();
            Assert.True(error < 1e-5, $"{fusion}: row sums off by {error}");
        }
        using var discarded = new AttentionRollout(builtIn, HeadFusion.Mean, 0.9).Attribute(inputs, target);
        using var plain = new AttentionRollout(builtIn).Attribute(inputs, target);
        Assert.True((discarded.Values - plain.Values).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void AModelWithoutAttentionIsAUsageError()
    {
        using var cnn = ModelCatalog.Load("fmnist-cnn");
        using var image = torch.zeros(1, 1, 28, 28);
        var error = Assert.Throws<LumenException>(() => new AttentionRollout(cnn).Attribute(image, Target.Predicted));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Throws<LumenException>(() => new AttentionRollout(builtIn, HeadFusion.Mean, 1.0));
    }

    private void Compare(torch.Tensor reference, torch.Tensor actual)
    {
        output.WriteLine(ReferenceComparison.Describe(reference, actual));
        ReferenceComparison.AssertMatches(reference, actual);
    }

    public void Dispose()
    {
        builtIn.Dispose();
        imported.Dispose();
        inputs.Dispose();
    }
}
