using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Merges each BatchNorm into the convolution or linear layer right before it (Zennit's <c>SequentialMergeBatchNorm</c>:
/// adjacency in depth-first layer order, or in an imported ONNX graph the layer whose output only the BatchNorm reads;
/// checked again at run time): with s = γ / √(σ² + ε), W′ = W·s per output channel and b′ = (b − μ)·s + β. The
/// BatchNorm then passes relevance through unchanged. A BatchNorm with no such layer before it (DenseNet's
/// pre-activation BatchNorm after a concatenation) stays a per-channel affine layer, y = s·x + (β − μ·s), which
/// LRP treats as a linear layer.
/// </summary>
public sealed class MergeBatchNorm : ICanonizer
{
    /// <inheritdoc />
    public string Name => "merge-batchnorm";

    /// <inheritdoc />
    public void Apply(CanonizedModel model)
    {
        var layers = model.Layers;
        var graph = model.Model.Module as Onnx.Graph.OnnxGraphModule;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Module is not BatchNorm norm) continue;
            nn.Module? previous = graph is not null ? graph.DirectProducer(norm) : i > 0 ? layers[i - 1].Module : null;
            if (previous is not (Conv2d or Linear) || model.IsReplaced(previous)) continue; // stays a standalone affine layer
            model.Merge(previous, Merged(model.ParametersOf(previous), norm), norm);
        }
    }

    /// <summary>The per-channel scale s = γ / √(σ² + ε) and shift β − μ·s of <paramref name="norm"/> in evaluation mode.</summary>
    public static LayerParameters Affine(BatchNorm norm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (norm.running_mean is null || norm.running_var is null)
            throw LumenException.Model("a BatchNorm without running statistics normalises each batch by itself and cannot be explained with LRP; create it with track_running_stats=true");
        Tensor mean = norm.running_mean;
        Tensor gamma = norm.weight?.detach() ?? torch.ones(norm.num_features, device: mean.device);
        Tensor beta = norm.bias?.detach() ?? torch.zeros(norm.num_features, device: mean.device);
        Tensor scale = gamma / (norm.running_var + norm.eps).sqrt();
        Tensor shift = beta - mean * scale;
        return new LayerParameters(scale.MoveToOuterDisposeScope(), shift.MoveToOuterDisposeScope());
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
