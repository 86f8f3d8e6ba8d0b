using Lumen.Attributions;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>
/// Five modern CNNs as PyTorch 1.13's exporter writes them (fixtures/onnx/modern, make_exports.py: scaled TorchVision
/// densenet121, efficientnet_b0, mobilenet_v3_small, googlenet and convnext_tiny at opsets 13 and 17): the imported
/// logits equal PyTorch's and ONNX Runtime's, the input gradient of class 3 equals PyTorch's, every method of the
/// catalog except LRP runs on each network and gives finite maps, and <c>lumen layers</c> lists the file's names.
/// </summary>
public sealed class ModernCnnExportTests
{
    /// <summary>
    /// Logits, relative to the largest logit: float32 through 40 to 160 nodes, with libtorch 2.10's, PyTorch 1.13's and
    /// ONNX Runtime's kernels each summing in their own order. The two references disagree with each other by up to
    /// 1.9e-6 (mobilenet_v3_small) and the import differs from either by at most 2.3e-6 (efficientnet_b0, largest logit
    /// 18), so 1e-5 is five times the rounding seen and far below any operator error (an off-by-one pad, a wrong
    /// epsilon or gate moves logits by 1e-3 or more).
    /// </summary>
    private const double LogitTolerance = 1e-5;

    /// <summary>
    /// Input gradients, relative to the largest element: the backward pass goes through the same kernels in reverse and
    /// through the Sigmoid and HardSigmoid gates of the squeeze-and-excitation blocks, which amplify rounding; the largest
    /// difference seen is 9.7e-6 (mobilenet_v3_small at opset 13), so 5e-5.
    /// </summary>
    private const double GradientTolerance = 5e-5;

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public ModernCnnExportTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", "modern", name);

    private static Tensor Input() => NpyFile.Read(Fixture("input.npy"));

    /// <summary>One file per network for the methods, and the layer a CAM explains: the map that feeds global average pooling.</summary>
    private static readonly IReadOnlyDictionary<string, (string File, string CamLayer)> Networks = new Dictionary<string, (string, string)>
    {
        ["densenet121"] = ("densenet121_op13.onnx", "/Relu"),
        ["efficientnet_b0"] = ("efficientnet_b0_op17.onnx", "/features/features.8/features.8.2/Mul"),
        ["mobilenet_v3_small"] = ("mobilenet_v3_small_op17.onnx", "/features/features.12/features.12.2/HardSwish"),
        ["googlenet"] = ("googlenet_op13.onnx", "/inception4a/Concat"),
        ["convnext_tiny"] = ("convnext_tiny_op17.onnx", "/features/features.3/features.3.1/Add"),
    };

    /// <summary>
    /// The networks whose head is global average pooling straight into one linear layer, so that CAM (Zhou et al.) is
    /// defined; mobilenet_v3_small (Linear, Hardswish, Linear) and convnext_tiny (LayerNorm before the Linear) are not.
    /// </summary>
    private static readonly HashSet<string> GapLinearHeads = new() { "densenet121", "efficientnet_b0", "googlenet" };

    /// <summary>
    /// The networks with ReLUs: guided backpropagation and deconvnet (and so guided Grad-CAM) are defined by how a ReLU
    /// passes gradients back, and refuse efficientnet_b0 (SiLU) and convnext_tiny (GELU), which have none.
    /// </summary>
    private static readonly HashSet<string> ReluNetworks = new() { "densenet121", "mobilenet_v3_small", "googlenet" };

    private static readonly HashSet<string> ReluMethods = new() { "guided-backprop", "deconvnet", "guided-gradcam", "neuron-guided-backprop" };

    /// <summary>
    /// DeepLift's rescale rule is defined for element-wise non-linearities and max pooling; it refuses a product of two
    /// computed tensors (the squeeze-and-excitation gates of efficientnet_b0 and mobilenet_v3_small) and LayerNorm
    /// (convnext_tiny) rather than explaining them by their plain gradient.
    /// </summary>
    private static readonly HashSet<string> DeepLiftNetworks = new() { "densenet121", "googlenet" };

    private static readonly HashSet<string> DeepLiftMethods = new() { "deeplift", "deeplift-shap" };

    /// <summary>Small budgets for the methods that evaluate many inputs; the others run with their defaults.</summary>
    private static readonly IReadOnlyDictionary<string, Dictionary<string, string>> Budgets = new Dictionary<string, Dictionary<string, string>>
    {
        ["integrated-gradients"] = new() { ["steps"] = "8" },
        ["smoothgrad"] = new() { ["samples"] = "4", ["noise-fraction"] = "0.15" },
        ["occlusion"] = new() { ["window"] = "16", ["stride"] = "16" },
        ["feature-ablation"] = new() { ["segmentation"] = "grid:4" },
        ["rise"] = new() { ["masks"] = "32", ["cells"] = "4" },
        ["lime"] = new() { ["samples"] = "40", ["segmentation"] = "grid:4" },
        ["lime-noise"] = new() { ["samples"] = "40" },
        ["kernel-shap"] = new() { ["samples"] = "40", ["segmentation"] = "grid:4" },
        ["learned-mask"] = new() { ["iterations"] = "5" },
    };

    public static TheoryData<string, int> Files()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Networks.Keys)
        {
            data.Add(name, 13);
            data.Add(name, 17);
        }
        return data;
    }

    public static TheoryData<string, string> NetworksAndMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (string network in Networks.Keys)
        {
            // LRP and the attention methods (which need a transformer) are checked elsewhere.
            foreach (var method in MethodCatalog.All.Where(m => m.Family is not ("relevance" or "attention"))) data.Add(network, method.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void LogitsMatchPyTorchAndOnnxRuntimeAndInputGradientsMatchPyTorch(string network, int opset)
    {
        using var scope = torch.NewDisposeScope();
        string file = Fixture($"{network}_op{opset}.onnx");
        using var model = OnnxImporter.Load(file);
        using var runtime = new OnnxRuntimeSession(file);
        Tensor input = Input();
        Tensor logits = model.Predict(input);
        Tensor pytorch = NpyFile.Read(Fixture($"{network}_logits.npy"));
        Tensor onnxRuntime = runtime.Run(input);
        Assert.Equal(pytorch.shape, logits.shape);
        double scale = pytorch.abs().max().item<float>();
        double fromPyTorch = (logits - pytorch).abs().max().item<float>() / scale;
        double fromRuntime = (logits - onnxRuntime).abs().max().item<float>() / scale;
        output.WriteLine($"{network} opset {opset}: logits vs PyTorch {fromPyTorch:E2}, vs ONNX Runtime {fromRuntime:E2} of the largest ({scale:G4})");
        Assert.True(scale > 0.1, "the reference logits are too small to compare relatively");
        Assert.True(fromPyTorch <= LogitTolerance, $"logits differ from PyTorch's by {fromPyTorch:E2} of the largest");
        Assert.True(fromRuntime <= LogitTolerance, $"logits differ from ONNX Runtime's by {fromRuntime:E2} of the largest");

        Tensor x = input.clone().requires_grad_(true);
        model.Forward(x)[.., 3].sum().backward();
        Tensor reference = NpyFile.Read(Fixture($"{network}_gradient_class3.npy"));
        double gradientScale = reference.abs().max().item<float>();
        double gradient = (x.grad! - reference).abs().max().item<float>() / gradientScale;
        output.WriteLine($"  input gradient of class 3 vs PyTorch {gradient:E2} of the largest ({gradientScale:G4})");
        Assert.True(gradientScale > 1e-4, "the reference gradient must not vanish");
        Assert.True(gradient <= GradientTolerance, $"input gradients differ by {gradient:E2} of the largest");
    }

    [Theory]
    [MemberData(nameof(NetworksAndMethods))]
    public void EveryMethodExceptLrpGivesFiniteMaps(string network, string method)
    {
        var (file, camLayer) = Networks[network];
        var descriptor = MethodCatalog.Find(method);
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(Fixture(file));
        var settings = new Dictionary<string, string>(Budgets.GetValueOrDefault(method) ?? new Dictionary<string, string>());
        using var folder = new TempDirectory();
        if (method is "deeplift-shap" or "gradient-shap")
        {
            // Two references: a black image and a grey one.
            string baselines = Path.Combine(folder.Path, "baselines.npy");
            using (var references = torch.cat(new[] { torch.zeros(1, 3, 64, 64), torch.full(new long[] { 1, 3, 64, 64 }, 0.5f) }))
                NpyFile.Write(baselines, references);
            settings["baselines"] = baselines;
        }
        Tensor input = Input();
        if (descriptor.Family == "neuron") settings["neuron"] = MostActiveUnit(model, camLayer, input);
        var options = new MethodOptions(descriptor.NeedsLayer || descriptor.UsesLayer ? camLayer : null, settings);
        if (method == "cam" && !GapLinearHeads.Contains(network))
        {
            var refused = Assert.Throws<LumenException>(() => descriptor.Build(model, options));
            Assert.Equal(ErrorKind.Usage, refused.Kind);
            Assert.Contains("use gradcam", refused.Message);
            return;
        }
        if (DeepLiftMethods.Contains(method) && !DeepLiftNetworks.Contains(network))
        {
            var refused = Assert.Throws<LumenException>(() => descriptor.Build(model, options).Attribute(input, Target.Class(3)).Dispose());
            Assert.Equal(ErrorKind.Model, refused.Kind);
            Assert.Contains("has no rule for layer", refused.Message);
            return;
        }
        if (ReluMethods.Contains(method) && !ReluNetworks.Contains(network))
        {
            var refused = Assert.Throws<LumenException>(() => descriptor.Build(model, options).Attribute(input, Target.Class(3)).Dispose());
            Assert.Equal(ErrorKind.Model, refused.Kind);
            Assert.Contains("has no Relu node", refused.Message);
            return;
        }
        using var map = descriptor.Build(model, options).Attribute(input, Target.Class(3));
        Assert.Equal(-1, map.FirstNonFiniteImage());
        if (descriptor.Family != "neuron") Assert.Equal(new long[] { 3, 3 }, map.Targets);
        double magnitude = map.Values.abs().max().item<float>();
        output.WriteLine($"{network} {method}: shape [{string.Join(", ", map.Values.shape)}], largest |value| {magnitude:G4}");
        if (descriptor.UsesLayer && descriptor.Family == "cam")
        {
            // CAMs of one layer are maps at the layer's resolution (post-processing upsamples them): [N, 1, h, w].
            using var capture = model.Capture(camLayer);
            using (torch.no_grad()) model.Forward(input);
            var activations = capture[camLayer];
            Assert.Equal(new[] { 2L, 1L, activations.shape[2], activations.shape[3] }, map.Values.shape);
        }
        else if (descriptor.Family == "layer")
        {
            // Layer attribution is at the layer's own shape [N, C, h, w].
            using var capture = model.Capture(camLayer);
            using (torch.no_grad()) model.Forward(input);
            Assert.Equal(capture[camLayer].shape, map.Values.shape);
            Assert.True(magnitude > 0, "the map is all zeros");
        }
        else
        {
            Assert.Equal(2, map.Values.shape[0]);
            Assert.Equal(input.shape[2..], map.Values.shape[2..]);
            Assert.Contains(map.Values.shape[1], new long[] { 1, 3 });
            Assert.True(magnitude > 0, "the map is all zeros");
        }
    }

    /// <summary>The unit of <paramref name="layer"/> most active on the first image, as LAYER:CHANNEL:ROW,COL (a unit that is alive).</summary>
    private static string MostActiveUnit(Lumen.Models.ExplainableModel model, string layer, Tensor input)
    {
        using var capture = model.Capture(layer);
        using (torch.no_grad()) model.Forward(input);
        Tensor map = capture[layer][0];
        long index = map.argmax().item<long>();
        long area = map.shape[1] * map.shape[2];
        return $"{layer}:{index / area}:{index % area / map.shape[2]},{index % map.shape[2]}";
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void LayersListsTheFilesNodeNames(string network, int opset)
    {
        string file = Fixture($"{network}_op{opset}.onnx");
        var result = CliRunner.Run("layers", "--model", file);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("in the file (node -> output)", result.Output);
        using var model = OnnxImporter.Load(file);
        // Every layer appears with its ONNX node and output name, and every Conv node of the file is a listed layer.
        var described = model.DescribeLayers();
        foreach (var layer in described.Where(l => l.SourceName is not null))
        {
            Assert.Contains(layer.Name, result.Output);
            Assert.Contains(layer.SourceName!, result.Output);
        }
        var proto = Lumen.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
        var convolutions = proto.Graph.Node.Where(node => node.OpType == "Conv").Select(node => node.Name).ToList();
        Assert.NotEmpty(convolutions);
        foreach (string conv in convolutions) Assert.Contains($"{conv} -> ", result.Output);
        string head = network switch
        {
            "densenet121" => "/classifier/Gemm -> ",
            "googlenet" => "/fc/Gemm -> logits",
            _ => "/classifier/classifier.",
        };
        Assert.Contains(head, result.Output);
        string cam = Networks[network].CamLayer;
        if (Networks[network].File == $"{network}_op{opset}.onnx") Assert.Contains($"{cam} -> {cam}_output_0", result.Output);
    }

    [Fact]
    public void ExplainNamesTheInceptionConcatAndRefusesGuidedBackpropWithoutRelus()
    {
        using var folder = new TempDirectory();
        var result = CliRunner.Run("explain", "--model", Fixture("googlenet_op13.onnx"), "--input", Fixture("input.npy"),
            "--method", "gradcam,cam,ablationcam", "--layer", "/inception4a/Concat", "--target", "3", "--out", folder.File("googlenet"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotEmpty(Directory.GetFiles(folder.File("googlenet"), "*.npy", SearchOption.AllDirectories));

        result = CliRunner.Run("explain", "--model", Fixture("efficientnet_b0_op13.onnx"), "--input", Fixture("input.npy"),
            "--method", "guided-backprop", "--target", "3", "--out", folder.File("efficientnet"));
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("has no Relu node", result.Error);
        Assert.False(Directory.Exists(folder.File("efficientnet")), "a refused run wrote output");
    }
}
