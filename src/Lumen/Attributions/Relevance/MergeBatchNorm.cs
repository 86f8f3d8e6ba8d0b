using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Merges each BatchNorm into the convolution or linear layer right before it (Zennit's <c>SequentialMergeBatchNorm</c>:
/// adjacency in depth-first layer order, checked again at run time): with s = γ / √(σ² + ε),
/// W′ = W·s per output channel and b′ = (b − μ)·s + β. The BatchNorm then passes relevance through unchanged.
/// </summary>
public sealed class MergeBatchNorm : ICanonizer
{
    /// <inheritdoc />
    public string Name => "merge-batchnorm";

    /// <inheritdoc />
    public void Apply(CanonizedModel model)
    {
        var layers = model.Layers;
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Module is not BatchNorm norm) continue;
            var (previousName, previous) = layers[i - 1];
            if (previous is not (Conv2d or Linear) || model.IsReplaced(previous))
                throw LumenException.Usage($"BatchNorm layer '{layers[i].Name}' does not directly follow a convolution or linear layer ('{previousName}' comes before it), so it cannot be merged for LRP; LRP supports BatchNorm only right after Conv2d or Linear");
            model.Merge(previous, Merged(model.ParametersOf(previous), norm), norm);
        }
    }

    /// <summary>The parameters of the layer followed by <paramref name="norm"/> in evaluation mode.</summary>
    public static LayerParameters Merged(LayerParameters layer, BatchNorm norm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor weight = layer.Weight!;
        if (norm.running_mean is null || norm.running_var is null)
            throw LumenException.Model("a BatchNorm without running statistics normalises each batch by itself and cannot be merged for LRP; create it with track_running_stats=true");
        Tensor mean = norm.running_mean;
        Tensor variance = norm.running_var;
        Tensor gamma = norm.weight?.detach() ?? torch.ones(norm.num_features, device: mean.device);
        Tensor beta = norm.bias?.detach() ?? torch.zeros(norm.num_features, device: mean.device);
        Tensor scale = gamma / (variance + norm.eps).sqrt();
        long[] shape = Enumerable.Repeat(1L, (int)weight.dim()).ToArray();
        shape[0] = -1;
        Tensor mergedWeight = weight * scale.reshape(shape);
        Tensor bias = layer.Bias ?? torch.zeros(weight.shape[0], dtype: weight.dtype, device: weight.device);
        Tensor mergedBias = (bias - mean) * scale + beta;
        return new LayerParameters(mergedWeight.MoveToOuterDisposeScope(), mergedBias.MoveToOuterDisposeScope());
    }
}
