using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Decides, once per model, how LRP handles every layer: the composite's rule for each leaf layer, after checking
/// that every leaf is a supported type and every container runs only modules (so no operation is hidden from LRP).
/// </summary>
internal static class LrpPlan
{
    private static readonly Type[] SupportedLeaves =
    {
        typeof(Conv2d), typeof(Linear), typeof(ReLU), typeof(ReLU6), typeof(LeakyReLU), typeof(Sigmoid), typeof(Tanh),
        typeof(Hardsigmoid), typeof(Hardswish), typeof(SiLU), typeof(GELU), typeof(MaxPool2d), typeof(AvgPool2d),
        typeof(AdaptiveAvgPool2d), typeof(Flatten), typeof(Dropout), typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(LayerNorm),
        typeof(Addition), typeof(Pad2d), typeof(Onnx.Graph.ShapeLayer), typeof(Onnx.Graph.ShapePairLayer), typeof(Onnx.Graph.GateLayer),
        typeof(Onnx.Graph.ConstantAffineLayer),
    };

    /// <summary>Whether <paramref name="module"/> routes relevance as its gradient does (max pooling, padding, layers that only move values).</summary>
    public static bool Routes(torch.nn.Module module) => module is MaxPool2d or Pad2d or Onnx.Graph.ShapeLayer or Onnx.Graph.ShapePairLayer;

    private static readonly Pass MergedRule = new();

    // An imported ONNX graph runs every node with floating-point data as a child layer through call().
    private static readonly Type[] TransparentContainers = { typeof(Sequential), typeof(Onnx.Graph.OnnxGraphModule) };

    /// <summary>The rule of every leaf layer of <paramref name="model"/>, by module.</summary>
    public static IReadOnlyDictionary<torch.nn.Module, (string Name, ILrpRule? Rule)> Build(
        CanonizedModel model, Composite composite, IReadOnlyCollection<Type> trustedContainers)
    {
        CheckContainer("(the model itself)", model.Model.Module, trustedContainers);
        if (model.Model.Module is Onnx.Graph.OnnxGraphModule graph && graph.HiddenComputations().FirstOrDefault() is string hidden)
            throw LumenException.Usage($"LRP cannot propagate through ONNX node {hidden}: it computes new values outside any layer (a node of three or more computed inputs or of several outputs), so no LRP rule can see it");
        foreach (string name in model.Model.LayerNames)
        {
            var module = model.Model.ResolveLayer(name);
            if (module.children().Any()) CheckContainer(name, module, trustedContainers);
        }
        var plan = new Dictionary<torch.nn.Module, (string, ILrpRule?)>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in model.Layers)
        {
            if (!SupportedLeaves.Any(type => type.IsInstanceOfType(module)))
                throw LumenException.Usage($"LRP does not support layer '{name}' ({module.GetType().Name}); supported: {string.Join(", ", SupportedLeaves.Select(t => t.Name))}");
            if (module is Conv2d conv) LayerFunctions.CheckConvolution(name, conv);
            // A BatchNorm merged into its convolution is the identity; one that stays alone is an affine layer with a rule.
            ILrpRule? rule = module is BatchNorm && model.AbsorbedInto(module) is not null ? MergedRule : composite.RuleFor(name, module, model.Layers);
            // Max-pooling routes relevance like its gradient, a padding layer crops it back (its padded elements hold
            // none), and layers that only move values send each element the relevance of its copies.
            if (rule is null && !Routes(module))
                throw LumenException.Usage($"the LRP composite '{composite.Name}' has no rule for layer '{name}' ({module.GetType().Name}); add one with CompositeBuilder");
            plan[module] = (name, rule);
        }
        return plan;
    }

    private static void CheckContainer(string name, torch.nn.Module module, IReadOnlyCollection<Type> trusted)
    {
        Type type = module.GetType();
        if (TransparentContainers.Contains(type) || trusted.Contains(type)) return;
        if (type.Namespace == typeof(Addition).Namespace) return; // Lumen's architectures: every operation is a module run with call()
        throw LumenException.Usage($"LRP cannot see inside '{name}' ({type.Name}): its forward() may apply functions (sums, activations) that are not modules; build the model from nn.Sequential and modules, use a Lumen architecture, or list {type.Name} in trustedContainers if its forward only calls modules with call()");
    }
}
