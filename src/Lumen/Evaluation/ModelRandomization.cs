using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The model-parameter randomization of Adebayo et al. (2018) on copies of a model (the user's model is never
/// changed): a layer's parameters are replaced by values drawn as PyTorch initializes them, uniform in
/// ±1/√fan-in (±1 for layers without a weight matrix, such as BatchNorm), from a generator seeded per layer.
/// </summary>
public static class ModelRandomization
{
    /// <summary>
    /// A copy of <paramref name="model"/>: the same architecture from <see cref="ModelCatalog"/> with every parameter
    /// and buffer copied, on the model's device. The caller disposes it.
    /// </summary>
    /// <exception cref="LumenException">The model is not a catalog architecture (kind Usage).</exception>
    public static ExplainableModel Copy(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelDefinition definition;
        try
        {
            definition = ModelCatalog.Find(model.Name);
        }
        catch (LumenException)
        {
            throw LumenException.Usage($"model randomization copies the model by architecture, and '{model.Name}' is not one of 'lumen models'");
        }
        var module = definition.Create(model.ClassCount);
        using (var noGrad = no_grad())
        {
            var source = model.Module.state_dict();
            foreach (var (name, tensor) in module.state_dict())
            {
                if (!source.TryGetValue(name, out var value) || !value.shape.SequenceEqual(tensor.shape))
                    throw LumenException.Usage($"model randomization could not copy '{name}' of {model.Name}: the copy's architecture differs");
                tensor.copy_(value);
            }
        }
        return new ExplainableModel(module, model.Name, model.InputShape, model.ClassLabels, model.Preprocessing).To(model.Device);
    }

    /// <summary>Why <paramref name="model"/> cannot be copied (it is not a catalog architecture), or null when it can.</summary>
    public static string? CopyUnavailable(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ModelCatalog.All.Any(definition => string.Equals(definition.Name, model.Name, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"it copies the model by architecture, and '{model.Name}' is not one of 'lumen models'";
    }

    /// <summary>The layers that own parameters (convolutions, linear, normalization), in forward order.</summary>
    public static IReadOnlyList<string> ParameterLayers(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.LayerNames.Where(name => name.Length > 0 && model.ResolveLayer(name).named_parameters(recurse: false).Any()).ToList();
    }

    /// <summary>Replaces the parameters of layer <paramref name="layer"/> of <paramref name="model"/> (a copy) by random values.</summary>
    public static void Randomize(ExplainableModel model, string layer, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var module = model.ResolveLayer(layer);
        var parameters = module.named_parameters(recurse: false).ToList();
        var weight = parameters.Select(p => p.parameter).FirstOrDefault(p => p.dim() >= 2);
        double fanIn = weight is null ? 1 : weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        double bound = 1 / Math.Sqrt(fanIn);
        var random = new Random(unchecked(seed * 7919 + model.LayerNames.ToList().IndexOf(model.LayerName(layer))));
        using var noGrad = no_grad();
        foreach (var (_, parameter) in parameters)
        {
            var values = new float[parameter.numel()];
            for (int i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            using var fresh = torch.tensor(values, dtype: parameter.dtype, device: parameter.device).reshape(parameter.shape);
            parameter.copy_(fresh);
        }
    }
}
