using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>The forward computation of a supported layer with given (modified) parameters, as a function.</summary>
internal static class LayerFunctions
{
    /// <summary>
    /// Applies <paramref name="module"/>'s computation to <paramref name="input"/> with the given parameters (ignored by
    /// layers without parameters). Affine layers (standalone BatchNorm, element-wise constants) compute input · weight +
    /// bias per channel or element; LayerNorm is linear in its input with the standard deviation of
    /// <paramref name="reference"/> (the layer's real input) held constant, as AttnLRP treats it.
    /// </summary>
    public static Tensor Apply(nn.Module module, Tensor input, Tensor? weight, Tensor? bias, Tensor? reference = null) => module switch
    {
        Conv2d conv => Convolve(conv, input, weight ?? conv.weight!, bias),
        Linear => nn.functional.linear(input, weight!, bias),
        BatchNorm => Affine(input, PerChannel(weight, input), PerChannel(bias, input)),
        Onnx.Graph.ConstantAffineLayer => Affine(input, weight, bias),
        LayerNorm norm => Normalise(norm, input, weight, bias, reference ?? input),
        MaxPool2d or AvgPool2d or AdaptiveAvgPool2d or ReLU or Dropout or Flatten => ((nn.Module<Tensor, Tensor>)module).forward(input),
        _ => throw LumenException.Usage($"LRP rules with a modified forward pass do not apply to {module.GetType().Name} layers; give them Pass"),
    };

    private static Tensor Affine(Tensor input, Tensor? weight, Tensor? bias)
    {
        Tensor scaled = weight is null ? input : input * weight;
        return bias is null ? scaled : scaled + bias;
    }

    /// <summary><paramref name="values"/> [C] shaped [C, 1, ..., 1] to broadcast over the channels (axis 1) of <paramref name="input"/>.</summary>
    private static Tensor? PerChannel(Tensor? values, Tensor input)
    {
        if (values is null) return null;
        long[] shape = Enumerable.Repeat(1L, (int)Math.Max(input.dim() - 1, 1)).ToArray();
        shape[0] = -1;
        return values.reshape(shape);
    }

    /// <summary>(input − mean(input)) / σ(reference) · weight + bias over the normalised trailing axes, σ held constant.</summary>
    private static Tensor Normalise(LayerNorm norm, Tensor input, Tensor? weight, Tensor? bias, Tensor reference)
    {
        long[] axes = Enumerable.Range((int)(input.dim() - norm.normalized_shape.Length), norm.normalized_shape.Length).Select(a => (long)a).ToArray();
        Tensor deviation;
        using (torch.no_grad())
        {
            Tensor centred = reference - reference.mean(axes, keepdim: true);
            deviation = (centred.square().mean(axes, keepdim: true) + norm.eps).sqrt();
        }
        return Affine((input - input.mean(axes, keepdim: true)) / deviation, weight, bias);
    }

    /// <summary>Checks that a convolution is one LRP can recompute (zero padding, not transposed); a usage error names it otherwise.</summary>
    public static void CheckConvolution(string name, Conv2d conv)
    {
        if (conv.transposed || conv.padding_mode != PaddingModes.Zeros)
            throw LumenException.Usage($"LRP supports Conv2d layers with zero padding only; layer '{name}' uses {conv.padding_mode} padding{(conv.transposed ? " and is transposed" : "")}");
    }

    private static Tensor Convolve(Conv2d conv, Tensor input, Tensor weight, Tensor? bias) => conv.padding_type is Padding padding
        ? nn.functional.conv2d_padding(input, weight, bias, conv.stride, padding, conv.dilation, conv.groups)
        : nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
}
