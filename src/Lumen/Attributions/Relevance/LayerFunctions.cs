using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>The forward computation of a supported layer with given (modified) parameters, as a function.</summary>
internal static class LayerFunctions
{
    /// <summary>Applies <paramref name="module"/>'s computation to <paramref name="input"/> with the given parameters (ignored by layers without parameters).</summary>
    public static Tensor Apply(nn.Module module, Tensor input, Tensor? weight, Tensor? bias) => module switch
    {
        Conv2d conv => Convolve(conv, input, weight ?? conv.weight!, bias),
        Linear => nn.functional.linear(input, weight!, bias),
        MaxPool2d or AvgPool2d or AdaptiveAvgPool2d or ReLU or Dropout or Flatten => ((nn.Module<Tensor, Tensor>)module).forward(input),
        _ => throw new InvalidOperationException($"no functional form for {module.GetType().Name}"),
    };

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
