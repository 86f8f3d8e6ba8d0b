using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// While alive, every <c>nn.ReLU</c> and <c>nn.ReLU6</c> module of a model computes the same forward values but
/// back-propagates with a <see cref="ReluBackwardRule"/>: a forward hook replaces each module's output by
/// <see cref="ModifiedReluFunction"/> applied to its input. Dispose removes the hooks (also after an exception).
/// <see cref="EnsureAllReached"/> refuses models whose ReLUs the hooks cannot reach.
/// </summary>
public sealed class ModifiedReluScope : IDisposable
{
    private readonly List<Action> removers = new();
    private readonly Dictionary<string, int> fired = new(StringComparer.Ordinal);
    private readonly string modelName;
    private readonly string methodName;

    /// <summary>Hooks every ReLU module of <paramref name="model"/>; refuses models no hook can reach.</summary>
    /// <param name="model">The model whose ReLUs change their backward pass.</param>
    /// <param name="rule">The backward rule.</param>
    /// <param name="methodName">The method's name, for messages.</param>
    public ModifiedReluScope(ExplainableModel model, ReluBackwardRule rule, string methodName)
    {
        modelName = model.Name;
        this.methodName = methodName;
        RefuseUnreachableRelus(model);
        try
        {
            foreach (string name in model.LayerNames)
            {
                nn.Module module = model.ResolveLayer(name);
                if (module is TorchSharp.Modules.ReLU or TorchSharp.Modules.ReLU6)
                    Attach(name, (nn.Module<Tensor, Tensor>)module, rule, module is TorchSharp.Modules.ReLU6);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        if (fired.Count == 0)
        {
            // An imported ONNX graph makes every Relu node a module, so none means the network has no ReLU at all (SiLU, GELU).
            throw LumenException.Model(model.Module is Onnx.Graph.OnnxGraphModule
                ? $"{methodName} changes how ReLUs pass gradients, but {model.Name} has no Relu node (its activations are others, e.g. SiLU or GELU); use saliency, integrated-gradients or a CAM"
                : $"{methodName} changes how ReLUs pass gradients, but {model.Name} has no nn.ReLU or nn.ReLU6 module; build the model with ReLU modules invoked through call() (functional ReLUs cannot be reached)");
        }
    }

    /// <summary>The names of the hooked ReLU modules.</summary>
    public IReadOnlyCollection<string> Modules => fired.Keys;

    /// <summary>How many hooked modules ran since the scope was created.</summary>
    public int FiredCount => fired.Values.Count(count => count > 0);

    /// <summary>
    /// Throws a model error if a hooked ReLU module did not run in the forward passes so far: the model then computes
    /// that ReLU some other way (through <c>forward()</c> or a functional call), which would be explained wrongly.
    /// </summary>
    public void EnsureAllReached()
    {
        var missed = fired.Where(entry => entry.Value == 0).Select(entry => entry.Key).ToList();
        if (missed.Count > 0)
            throw LumenException.Model($"{methodName} cannot reach every ReLU of {modelName}: module(s) {string.Join(", ", missed.Take(3))} did not run through call(); invoke every ReLU module with call() so its backward rule can be changed");
    }

    /// <summary>Removes the hooks.</summary>
    public void Dispose()
    {
        foreach (Action remove in removers) remove();
        removers.Clear();
    }

    private void Attach(string name, nn.Module<Tensor, Tensor> module, ReluBackwardRule rule, bool relu6)
    {
        fired[name] = 0;
        var handle = module.register_forward_hook((_, input, _) =>
        {
            fired[name]++;
            // The hook's result replaces the module's output; the forward values are the same ReLU of the same input.
            return ModifiedReluFunction.apply(input, rule, relu6);
        });
        removers.Add(handle.remove);
    }

    /// <summary>
    /// TorchVision's residual blocks register one ReLU module but apply ReLU a second time inside <c>forward</c> (and add
    /// the shortcut there), out of reach of hooks: refuse them rather than explain them wrongly.
    /// </summary>
    private void RefuseUnreachableRelus(ExplainableModel model)
    {
        foreach (string name in model.LayerNames)
        {
            string type = model.ResolveLayer(name).GetType().Name;
            bool torchVisionBlock = model.ResolveLayer(name).GetType().Assembly.GetName().Name == "TorchVision" &&
                                    type is "BasicBlock" or "Bottleneck" or "InvertedResidual";
            if (torchVisionBlock)
                throw LumenException.Model($"{methodName} cannot reach every ReLU of {model.Name}: TorchVision's {type} ('{name}') applies ReLU inside forward(); load the same weights into Lumen's architecture of that name (e.g. --model resnet18), whose ReLUs are modules");
        }
    }
}
