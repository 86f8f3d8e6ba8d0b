using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>
/// CAM methods on a transformer's token layer against pytorch-grad-cam 1.5.5 with its documented ViT
/// <c>reshape_transform</c> (fixtures/vit, from fixtures/reference/extended): the last block's <c>ln_1</c> of the tiny
/// ViT, through the built-in <c>vit-tiny</c> and through the imported ONNX export (where LayerNorm is written as primitive
/// operations, fused into one layer on import and named here by its last node). Tolerance: <see cref="ReferenceComparison.RelativeTolerance"/>
/// (1e-3 relative, max and L2) on the raw 4x4 map and on the post-processed 32x32 map.
/// </summary>
public sealed class TokenCamReferenceTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string BuiltInLayer = "encoder.layers.encoder_layer_1.ln_1";
    private const string OnnxLayer = "/encoder/layers/encoder_layer_1/ln_1/Add_1";
    private readonly ExplainableModel builtIn = ModelCatalog.Load("vit-tiny", ViTFixtures.Weights);
    private readonly ExplainableModel imported = OnnxImporter.Load(ViTFixtures.Onnx);
    private readonly torch.Tensor inputs = NpyFile.Read(ViTFixtures.Inputs);
    private readonly Target target = Target.Classes(ViTFixtures.Targets);

    public static TheoryData<string, bool> Variants() => new()
    {
        { "gradcam", false }, { "gradcampp", false }, { "layercam", false },
        { "gradcam", true }, { "gradcampp", true }, { "layercam", true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void RawAndFinalMapsMatchPytorchGradCam(string reference, bool onnx)
    {
        var model = onnx ? imported : builtIn;
        string layer = onnx ? OnnxLayer : BuiltInLayer;
        using var attribution = Create(reference, model, layer).Attribute(inputs, target);
        using var raw = NpyFile.Read(ViTFixtures.File($"gradcam_{reference}__raw"));
        using var final = NpyFile.Read(ViTFixtures.File($"gradcam_{reference}"));
        Assert.Equal(new long[] { 4, 1, 4, 4 }, attribution.Values.shape);
        Compare(raw, attribution.Values.squeeze(1));
        using var upsampled = CamPostProcessing.NormalizedToInputSize(attribution.Values, 32, 32);
        Compare(final, upsampled.squeeze(1));
    }

    [Theory]
    [InlineData("scorecam")]
    [InlineData("ablationcam")]
    [InlineData("eigencam")]
    [InlineData("hirescam")]
    [InlineData("xgradcam")]
    public void OtherCamMethodsGiveAPatchGridOnTokens(string method)
    {
        using var attribution = Create(method, builtIn, BuiltInLayer).Attribute(inputs, target);
        Assert.Equal(new long[] { 4, 1, 4, 4 }, attribution.Values.shape);
        Assert.False(attribution.Values.isnan().any().item<bool>());
        Assert.True(attribution.Values.abs().max().item<float>() > 0);
    }

    [Fact]
    public void TheAutomaticLayerOfAViTIsTheLastBlocksLayerNormBeforeAttention()
    {
        Assert.Equal(BuiltInLayer, CamLayerChoice.LastSpatialLayer(builtIn));
        // The ONNX export (opset 14) writes LayerNorm as primitive operations, which the import fuses into one LayerNorm
        // layer: the same choice. The exporter stores encoder_layer_1's LayerNorm weights as Identity nodes of
        // encoder_layer_0's equal ones; the import reads them as the constants they are, so that LayerNorm fuses too
        // (otherwise encoder_layer_0's would be chosen). OnnxLayer, the file's name of its last node, names it as well.
        string chosen = CamLayerChoice.LastSpatialLayer(imported);
        Assert.IsType<TorchSharp.Modules.LayerNorm>(imported.ResolveLayer(chosen));
        Assert.Contains("encoder_layer_1_ln_1", chosen, StringComparison.Ordinal);
        Assert.Same(imported.ResolveLayer(OnnxLayer), imported.ResolveLayer(chosen));
    }

    [Fact]
    public void ATokenLayerIsTheSameMapAsItsPatchGrid()
    {
        // Token 1 + 4 x row + col is position (row, col), channels first.
        using var tokens = torch.arange(2 * 17 * 3, dtype: torch.float32).reshape(2, 17, 3);
        var grid = TokenGrid.Of(tokens, "x");
        Assert.Equal(new TokenGrid(1, 4, 4), grid);
        using var map = grid.ToMap(tokens);
        Assert.Equal(new long[] { 2, 3, 4, 4 }, map.shape);
        Assert.Equal(tokens[1, 1 + 4 * 2 + 3, 1].item<float>(), map[1, 1, 2, 3].item<float>());
        using var back = grid.ToTokens(map, tokens);
        Assert.True(back.eq(tokens).all().item<bool>());
    }

    [Fact]
    public void TokensThatAreNotASquareGridAreAUsageErrorNamingTheShape()
    {
        using var tokens = torch.zeros(1, 7, 3);
        var error = Assert.Throws<LumenException>(() => TokenGrid.Of(tokens, "blocks.0"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("[N, 7, 3]", error.Message);
        Assert.Null(TokenGrid.Square(7));
        Assert.Equal(new TokenGrid(2, 14, 14), TokenGrid.Square(198));
        Assert.Equal(new TokenGrid(0, 7, 7), TokenGrid.Square(49));
    }

    private static IAttributionMethod Create(string method, ExplainableModel model, string layer) => method switch
    {
        "gradcam" => new GradCam(model, layer, relu: false),
        "gradcampp" => new GradCamPlusPlus(model, layer, relu: false),
        "layercam" => new LayerCam(model, layer, relu: false),
        "hirescam" => new HiResCam(model, layer, relu: false),
        "xgradcam" => new XGradCam(model, layer, relu: false),
        "scorecam" => new ScoreCam(model, layer, relu: false),
        "ablationcam" => new AblationCam(model, layer, relu: false),
        "eigencam" => new EigenCam(model, layer, relu: false),
        _ => throw new ArgumentException(method),
    };

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
