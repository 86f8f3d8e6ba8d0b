using Lumen.Attributions.Relevance;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Onnx;
using Lumen.Onnx.Graph;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions.Relevance;

/// <summary>
/// LRP through modern CNN structure on the files PyTorch 1.13 exported (fixtures/onnx/modern: DenseNet's concatenations
/// and pre-activation BatchNorm, EfficientNet's SiLU and squeeze-and-excitation gates, MobileNetV3's Hardswish and
/// Hardsigmoid gates, GoogLeNet's input transform and Inception concatenations, ConvNeXt's LayerNorm, GELU and layer
/// scale), checked by exact identities: on the bias-free networks LRP-ε with ε → 0 equals gradient × input with every
/// gate held constant (what make_exports.py computed in PyTorch), and the input relevance sums to the logit.
/// </summary>
public sealed class ModernCnnLrpTests
{
    public static readonly TheoryData<string> Networks = new() { "densenet121", "efficientnet_b0", "mobilenet_v3_small", "googlenet", "convnext_tiny" };

    private readonly ITestOutputHelper output;

    public ModernCnnLrpTests(ITestOutputHelper output) => this.output = output;

    private static string Fixture(string name) => Path.Combine(Fixtures.Root, "onnx", "modern", name);

    /// <summary>LRP-ε with ε = 1e-9 on every affine layer and sum (no flat, z⁺ or bias-absorbing rules).</summary>
    internal static Composite EpsilonEverywhere(double epsilon = 1e-9) => new CompositeBuilder()
        .Add(LayerSelector.OfType(typeof(Conv2d), typeof(Linear), typeof(BatchNorm), typeof(LayerNorm), typeof(ConstantAffineLayer)), new Epsilon(epsilon))
        .Add(LayerSelector.OfType(typeof(Addition), typeof(AvgPool2d), typeof(AdaptiveAvgPool2d)), new Norm(epsilon))
        .Build("epsilon-everywhere");

    [Theory]
    [MemberData(nameof(Networks))]
    public void EpsilonOnTheBiasFreeNetworkIsGradientTimesInputWithGatesHeldConstant(string network)
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(Fixture($"{network}_nobias_op17.onnx"));
        Tensor input = NpyFile.Read(Fixture("input.npy"));
        Tensor expected = NpyFile.Read(Fixture($"{network}_nobias_detached_gxi_class3.npy"));
        Tensor logits = model.Predict(input);

        using var result = new Lrp(model, EpsilonEverywhere()).Explain(input, Target.Class(3));
        Tensor relevance = result.Attribution.Values;
        double error = ((relevance - expected).norm().item<float>()) / expected.norm().item<float>();
        var conservation = Enumerable.Range(0, 2).Select(n =>
        {
            double logit = logits[n, 3].item<float>();
            return Math.Abs(result.Conservation.InputRelevance[n] - logit) / Math.Abs(logit);
        }).ToList();
        output.WriteLine($"{network}: relative L2 error to the detached-gate gradient x input {error:E2}; conservation error {conservation.Max():E2} (logits {logits[0, 3].item<float>():G4}, {logits[1, 3].item<float>():G4})");
        // float32 through 20-60 layers, ε = 1e-9: rounding, not the rule, separates the two (measured below 1e-5).
        Assert.True(error <= 1e-4, $"{network}: LRP differs from gradient x input by {error:E2} (relative L2)");
        Assert.All(conservation, e => Assert.True(e <= 1e-4, $"{network}: the input relevance misses the logit by {e:E2} (relative)"));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheDefaultCompositeRunsOnBothOpsetsAndGivesTheSameMap(string network)
    {
        using var scope = torch.NewDisposeScope();
        Tensor input = NpyFile.Read(Fixture("input.npy"));
        var maps = new List<Tensor>();
        foreach (string opset in new[] { "op13", "op17" })
        {
            using var model = OnnxImporter.Load(Fixture($"{network}_{opset}.onnx"));
            using var logits = model.Predict(input);
            var result = new Lrp(model).Explain(input, Target.Class(3));
            Tensor relevance = result.Attribution.Values;
            Assert.True(relevance.isfinite().all().item<bool>(), $"{network} {opset}: the map is not finite");
            Assert.True(relevance.abs().max().item<float>() > 0, $"{network} {opset}: the map is zero");
            for (int n = 0; n < 2; n++)
            {
                // The report states the relevance put on the output (the logit) and what reached the input; the logit
                // comes from a forward pass with autograd, whose kernels round differently from inference (1e-5 relative).
                double logit = logits[n, 3].item<float>();
                Assert.True(Math.Abs(result.Conservation.OutputRelevance[n] - logit) <= 1e-5 * Math.Abs(logit), $"{network} {opset}: output relevance {result.Conservation.OutputRelevance[n]} is not the logit {logit}");
                Assert.True(double.IsFinite(result.Conservation.InputRelevance[n]));
            }
            maps.Add(relevance);
        }
        double difference = (maps[0] - maps[1]).norm().item<float>() / maps[1].norm().item<float>();
        output.WriteLine($"{network}: op13 vs op17 epsilon-plus-flat maps differ by {difference:E2} (relative L2)");
        // The same network written two ways (LayerNorm, GELU and Hardswish decomposed at opset 13, fused on import):
        // only float32 rounding differs.
        Assert.True(difference <= 1e-4, $"{network}: the opset 13 and 17 maps differ by {difference:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheReportShowsRelevanceConservedThroughGatesActivationsAndRoutingLayers(string network)
    {
        using var scope = torch.NewDisposeScope();
        using var model = OnnxImporter.Load(Fixture($"{network}_op17.onnx"));
        var graph = (OnnxGraphModule)model.Module;
        Tensor input = NpyFile.Read(Fixture("input.npy"));
        var lrp = new Lrp(model);
        using var result = lrp.Explain(input, Target.Class(3), layerSums: true);
        var sums = result.Conservation.Layers.GroupBy(l => l.Layer).ToDictionary(g => g.Key, g => g.Last().Sums);
        var names = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (string name in model.LayerNames) names[model.ResolveLayer(name)] = name;
        var producers = graph.Steps.Where(s => s.Step.Layer is not null).SelectMany(s => s.Step.Outputs.Select(o => (o, s.Step.Layer!))).ToDictionary(p => p.o, p => p.Item2);
        int checkedLayers = 0;
        double largest = result.Conservation.OutputRelevance.Max(Math.Abs);
        foreach (var (_, step) in graph.Steps)
        {
            // Layers whose rule moves relevance without loss: gates, element-wise activations, concatenation and routing.
            if (step.Layer is not (GateLayer or ShapeLayer or ShapePairLayer or ReLU or Sigmoid or Hardsigmoid or Hardswish or GELU or MaxPool2d)) continue;
            var sources = step.DataInputs.Select(i => step.Inputs[i]).ToList();
            if (step.Layer is GateLayer) sources = sources.Take(1).ToList(); // the gate itself receives none
            bool traceable = sources.All(value => producers.ContainsKey(value) && graph.Steps.Count(s => s.Step.Inputs.Contains(value)) == 1);
            if (!traceable) continue;
            for (int n = 0; n < 2; n++)
            {
                double leaving = sums[names[step.Layer]][n];
                double entering = sources.Sum(value => sums[names[producers[value]]][n]);
                // float32 sums of maps: 1e-5 of the output relevance.
                Assert.True(Math.Abs(entering - leaving) <= 1e-5 * largest,
                    $"{network}: '{names[step.Layer]}' takes relevance {entering} and passes on {leaving}");
            }
            checkedLayers++;
        }
        output.WriteLine($"{network}: relevance conserved through {checkedLayers} gate, activation and routing layers");
        Assert.True(checkedLayers > 0);
    }

    [Fact]
    public void RoutingLayersSendRelevanceWhereTheGradientGoes()
    {
        // Bias-free and piecewise linear: LRP-ε with ε → 0 is gradient × input of the model itself.
        using var temp = new TempDirectory();
        var g = new Lumen.Tests.Onnx.GraphBuilder(8, 13, 3, 6, 6);
        string relu = g.Node("Relu", new[] { g.Node("Conv", new[] { "input", g.Weight(new long[] { 4, 3, 3, 3 }) }, Lumen.Tests.Onnx.GraphBuilder.Ints("pads", 1, 1, 1, 1)) });
        string x = g.Node("Transpose", new[] { relu }, Lumen.Tests.Onnx.GraphBuilder.Ints("perm", 0, 2, 3, 1));
        x = g.Node("MatMul", new[] { x, g.Weight(new long[] { 4, 4 }) });
        x = g.Node("Transpose", new[] { x }, Lumen.Tests.Onnx.GraphBuilder.Ints("perm", 0, 3, 1, 2));
        x = g.Node("Pad", new[] { x, g.Longs(0, 1, 0, 0, 0, 1, 0, 0) });
        x = g.Node("Slice", new[] { x, g.Longs(0), g.Longs(3), g.Longs(1) });
        x = g.Node("Concat", new[] { x, relu }, Lumen.Tests.Onnx.GraphBuilder.Int("axis", 1));
        x = g.Node("Gather", new[] { x, g.Longs(0, 2, 4, 6) }, Lumen.Tests.Onnx.GraphBuilder.Int("axis", 1));
        x = g.Node("Mul", new[] { x, g.Weight(new long[] { 4, 1, 1 }) });
        x = g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) });
        x = g.Node("Gemm", new[] { x, g.Weight(new long[] { 5, 4 }) }, Lumen.Tests.Onnx.GraphBuilder.Int("transB", 1));
        using var model = OnnxImporter.Load(g.Save(x, temp.File("routing.onnx")));
        Assert.DoesNotContain(model.LayerNames, name => model.ResolveLayer(name).GetType() == typeof(NodeLayer));

        using var scope = torch.NewDisposeScope();
        Tensor input = torch.randn(new long[] { 2, 3, 6, 6 }, generator: new Generator(9));
        Tensor leaf = input.clone().requires_grad_(true);
        model.Forward(leaf)[.., 2].sum().backward();
        Tensor expected = leaf.grad! * input;
        using var result = new Lrp(model, EpsilonEverywhere()).Explain(input, Target.Class(2));
        double error = (result.Attribution.Values - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"routing graph: relative L2 error to gradient x input {error:E2}");
        Assert.True(error <= 1e-4, $"LRP differs from gradient x input by {error:E2}");
    }
}
