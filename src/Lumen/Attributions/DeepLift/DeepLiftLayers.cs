using Lumen.Models;
using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// Decides, once per model, how DeepLift treats every leaf layer: linear (and affine) layers keep their gradient,
/// element-wise non-linearities and max pooling get the rescale rule, and anything else is refused with a model error
/// naming the layer, so that no layer is silently explained by its plain gradient. Containers must run only modules
/// (nn.Sequential, Lumen's architectures and imported ONNX graphs), since a function applied inside a container's forward cannot be reached.
/// </summary>
internal static class DeepLiftLayers
{
    /// <summary>Layers that are linear or affine in their input (batch norm and dropout in evaluation mode).</summary>
    private static readonly Type[] Linear =
    {
        typeof(Conv1d), typeof(Conv2d), typeof(Conv3d), typeof(ConvTranspose1d), typeof(ConvTranspose2d), typeof(ConvTranspose3d),
        typeof(TorchSharp.Modules.Linear), typeof(AvgPool1d), typeof(AvgPool2d), typeof(AvgPool3d),
        typeof(AdaptiveAvgPool1d), typeof(AdaptiveAvgPool2d), typeof(AdaptiveAvgPool3d), typeof(Flatten), typeof(Unflatten),
        typeof(Dropout), typeof(Dropout1d), typeof(Dropout2d), typeof(Dropout3d), typeof(BatchNorm1d), typeof(BatchNorm2d),
        typeof(BatchNorm3d), typeof(Identity), typeof(ZeroPad2d), typeof(ConstantPad1d), typeof(ConstantPad2d), typeof(ConstantPad3d),
        typeof(PixelShuffle), typeof(PixelUnshuffle), typeof(Addition), typeof(Pad2d), typeof(Onnx.Graph.ShapeLayer),
    };

    /// <summary>Element-wise non-linearities: the rescale multiplier (f(x) − f(r)) / (x − r).</summary>
    private static readonly Type[] Elementwise =
    {
        typeof(ReLU), typeof(ReLU6), typeof(LeakyReLU), typeof(PReLU), typeof(ELU), typeof(SELU), typeof(CELU), typeof(GELU),
        typeof(SiLU), typeof(Mish), typeof(Sigmoid), typeof(Tanh), typeof(Softplus), typeof(Softsign), typeof(Hardtanh),
        typeof(Hardsigmoid), typeof(Hardswish), typeof(LogSigmoid), typeof(Tanhshrink), typeof(Softshrink), typeof(Hardshrink),
        typeof(Threshold),
    };

    private static readonly Type[] MaxPools = { typeof(MaxPool1d), typeof(MaxPool2d), typeof(MaxPool3d) };

    /// <summary>
    /// The non-linear leaf layers of <paramref name="model"/> with their rule; a model error when a layer is of a kind
    /// DeepLift does not support or a container may hide operations.
    /// </summary>
    public static IReadOnlyList<(string Name, torch.nn.Module<torch.Tensor, torch.Tensor> Module, RescaleKind Kind)> NonLinear(ExplainableModel model, string method)
    {
        CheckContainer(model, method, "(the model itself)", model.Module);
        var found = new List<(string, torch.nn.Module<torch.Tensor, torch.Tensor>, RescaleKind)>();
        foreach (string name in model.LayerNames)
        {
            var module = model.ResolveLayer(name);
            if (module.children().Any())
            {
                CheckContainer(model, method, name, module);
                continue;
            }
            Type type = module.GetType();
            if (Linear.Any(known => known.IsInstanceOfType(module))) continue;
            if (Elementwise.Any(known => known.IsInstanceOfType(module)))
                found.Add((name, (torch.nn.Module<torch.Tensor, torch.Tensor>)module, RescaleKind.Elementwise));
            else if (MaxPools.Any(known => known.IsInstanceOfType(module)))
                found.Add((name, (torch.nn.Module<torch.Tensor, torch.Tensor>)module, RescaleKind.MaxPool));
            else
                throw LumenException.Model($"{method} has no rule for layer '{name}' ({type.Name}) of {model.Name}; it supports linear layers, element-wise activations and max pooling (see docs/methods/gradients.md)");
        }
        return found;
    }

    private static void CheckContainer(ExplainableModel model, string method, string name, torch.nn.Module module)
    {
        Type type = module.GetType();
        if (type == typeof(Sequential) || (type.IsGenericType && type.GetGenericTypeDefinition() is var open && (open == typeof(ModuleList<>) || open == typeof(ModuleDict<>)))) return;
        if (type.Namespace == typeof(Addition).Namespace) return; // Lumen's architectures: every operation is a module run with call()
        if (type == typeof(Onnx.Graph.OnnxGraphModule)) return; // an imported graph runs every node with float data as a child layer
        throw LumenException.Model($"{method} cannot see inside '{name}' ({type.Name}) of {model.Name}: its forward() may apply functions (activations, products) that are not modules; build the model from nn.Sequential and modules or use a Lumen architecture");
    }
}
